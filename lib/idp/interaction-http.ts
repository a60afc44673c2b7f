/**
 * Request checks shared by the login and consent form handlers (route
 * handlers answer with plain Web Responses; no Next.js imports here).
 */
import { getConfig } from "@/lib/config";

export const UID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** 303 See Other to a path of this app (RFC 9110 §15.4.4: the browser follows with GET). */
export function seeOther(location: string): Response {
  const target = new URL(location, getConfig().APP_URL);
  return new Response(null, { status: 303, headers: { Location: target.href, "Cache-Control": "no-store" } });
}

/**
 * Same-origin check for form posts (OWASP CSRF: verify Origin). Browsers send
 * Origin on every POST; Sec-Fetch-Site is a second signal. A request with
 * neither comes from a non-browser client, which cannot ride on a user's
 * cookies anyway, and still needs the form's token.
 */
export function isSameOriginPost(request: Request): boolean {
  const expected = new URL(getConfig().APP_URL).origin;
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === expected;
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}

/**
 * The client address for per-IP rate limits: the last X-Forwarded-For entry.
 * With TRUST_PROXY=true that is the one our proxy appended; without it, the
 * client's own forwarded headers were stripped on arrival
 * (lib/http/forwarded-headers.ts) and Next.js set it from the socket.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last?.slice(0, 64) ?? "unknown";
}

export function interactionRequest(request: Request): { cookie: string | null; https: boolean } {
  return { cookie: request.headers.get("cookie"), https: getConfig().APP_URL.startsWith("https:") };
}

export function formProblem(status: number, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Request refused</title></head><body><main><h1>Request refused</h1><p>${message}</p><p>Go back to the application and start signing in again.</p></main></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

/**
 * The checks every interaction form post starts with, in order: a well-formed
 * interaction id, a same-origin post, a readable form, and the form's CSRF
 * token (checked before anything else in the form matters). Returns the
 * form's fields, or the readable refusal to send.
 */
export async function readInteractionForm(
  request: Request,
  uid: string,
  checkCsrfToken: (uid: string, token: unknown) => Promise<boolean>,
): Promise<{ fields: Record<string, unknown> } | { refusal: Response }> {
  if (!UID_PATTERN.test(uid)) return { refusal: formProblem(404, "This request does not exist.") };
  if (!isSameOriginPost(request)) return { refusal: formProblem(403, "The form was sent from another site.") };
  let fields: Record<string, unknown>;
  try {
    // A repeated name (the consent page's `scope` checkboxes) becomes an array; single names stay strings.
    fields = {};
    for (const [name, value] of await request.formData()) {
      const seen = fields[name];
      fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
  } catch {
    return { refusal: formProblem(400, "The form could not be read.") };
  }
  if (!(await checkCsrfToken(uid, fields.csrf))) return { refusal: formProblem(403, "The form has expired or was not sent by this site.") };
  return { fields };
}
