/**
 * Drives the built-in IdP's browser steps over plain HTTP, like a browser
 * without JavaScript: follows the authorization redirects, fills in the
 * sign-in form, answers the consent form, and stops at the first redirect that
 * leaves the IdP (the client's redirect URI). Cookies are kept in a jar, so a
 * second call with the same jar behaves like the same browser.
 *
 *   const { code } = await authorizeWithLogin({ authorizationUrl, username, password, consent: "allow" });
 */
import { createCookieJar, type CookieJar } from "./cookie-jar";

// Re-exported: the sign-in tests take the jar from here together with authorizeWithLogin.
export { createCookieJar, type CookieJar } from "./cookie-jar";

export interface AuthorizeOptions {
  authorizationUrl: string | URL;
  username: string;
  password: string;
  /** What to answer on the consent page, if one is shown (default "allow"). */
  consent?: "allow" | "deny";
  /** Scope checkboxes to untick on the consent page (the rest is sent as the page ticked it, like a browser). */
  untick?: readonly string[];
  /** Scope checkboxes to tick that the page showed unticked. */
  tick?: readonly string[];
  /** Extra `scope` values to post that the page did not offer (a forged form). */
  forgeScopes?: readonly string[];
  jar?: CookieJar;
  /** Sent as the Origin of form posts (default: the IdP's origin, as a browser would). */
  origin?: string;
  /** Stop right after consent is answered (before following the provider's resume redirect). */
  stopBeforeResume?: boolean;
  /** Extra headers on every request (e.g. a spoofed X-Forwarded-For). */
  headers?: Record<string, string>;
}

export interface AuthorizeResult {
  /** Where the IdP sent the browser in the end (the client's redirect URI with its parameters). */
  redirectUrl: string;
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
  /** Set when the sign-in form answered with a message instead of continuing. */
  loginError?: "invalid_credentials" | "rate_limited";
  /** The text of the last page when the flow ended on an IdP page. */
  page?: string;
  /** Which interaction pages were shown, in order. */
  steps: ("login" | "consent")[];
  /** The scope checkboxes of the last consent page: name → ticked when shown. */
  consentChoices?: Record<string, boolean>;
  /** HTTP status of the consent post when it was refused with a page (not a redirect). */
  consentStatus?: number;
  jar: CookieJar;
}

const MAX_HOPS = 20;

function hiddenValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? /value="([^"]*)"/.exec(input)?.[1]?.replace(/&amp;/g, "&") : undefined;
}

/** The consent page's `scope` checkboxes, as a browser sees them: value → checked. */
function scopeCheckboxes(html: string): Record<string, boolean> {
  const boxes: Record<string, boolean> = {};
  for (const input of html.match(/<input[^>]*type="checkbox"[^>]*>/g) ?? []) {
    if (!/name="scope"/.test(input)) continue;
    const value = /value="([^"]*)"/.exec(input)?.[1];
    if (value) boxes[value] = /\schecked(=|\s|\/|>)/.test(input);
  }
  return boxes;
}

function formAction(html: string, suffix: string): string | undefined {
  return new RegExp(`<form[^>]*action="([^"]*/${suffix})"`).exec(html)?.[1];
}

/** Runs the browser part of an authorization request; see the file comment. */
export async function authorizeWithLogin(options: AuthorizeOptions): Promise<AuthorizeResult> {
  const jar = options.jar ?? createCookieJar();
  const start = new URL(options.authorizationUrl);
  const idpOrigin = start.origin;
  const origin = options.origin ?? idpOrigin;
  const steps: AuthorizeResult["steps"] = [];
  const isIdp = (url: URL) => url.origin === idpOrigin && (url.pathname.startsWith("/api/oidc/") || url.pathname.startsWith("/interaction/"));

  const request = async (url: URL, init: { method?: string; body?: URLSearchParams } = {}) => {
    const headers: Record<string, string> = { accept: "text/html", ...options.headers };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (init.body) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin = origin;
    }
    const res = await fetch(url, { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" });
    jar.store(url, res.headers.getSetCookie());
    return res;
  };

  const finish = (url: URL): AuthorizeResult => {
    const p = url.searchParams;
    return {
      redirectUrl: url.href,
      code: p.get("code") ?? undefined,
      state: p.get("state") ?? undefined,
      iss: p.get("iss") ?? undefined,
      error: p.get("error") ?? undefined,
      errorDescription: p.get("error_description") ?? undefined,
      steps,
      consentChoices,
      jar,
    };
  };

  let url = start;
  let consentChoices: Record<string, boolean> | undefined;
  let res = await request(url);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location")!, url);
      await res.body?.cancel();
      if (!isIdp(next)) return finish(next);
      url = next;
      res = await request(url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || !url.pathname.startsWith("/interaction/")) {
      return { redirectUrl: url.href, error: "idp_page", page: html, steps, jar };
    }
    const csrf = hiddenValue(html, "csrf");
    const login = formAction(html, "login");
    const consent = formAction(html, "consent");
    const loginError = url.searchParams.get("error");
    if (login && csrf) {
      if (loginError === "invalid_credentials" || loginError === "rate_limited") {
        return { redirectUrl: url.href, loginError, page: html, steps, jar };
      }
      steps.push("login");
      url = new URL(login, url);
      res = await request(url, { method: "POST", body: new URLSearchParams({ csrf, username: options.username, password: options.password }) });
      continue;
    }
    if (consent && csrf) {
      steps.push("consent");
      consentChoices = scopeCheckboxes(html);
      const body = new URLSearchParams({ csrf, decision: options.consent ?? "allow" });
      for (const [scope, ticked] of Object.entries(consentChoices)) {
        if ((ticked || options.tick?.includes(scope)) && !options.untick?.includes(scope)) body.append("scope", scope);
      }
      for (const scope of options.forgeScopes ?? []) body.append("scope", scope);
      url = new URL(consent, url);
      res = await request(url, { method: "POST", body });
      if (res.status === 400) return { redirectUrl: url.href, error: "consent_refused", consentStatus: 400, page: await res.text(), steps, consentChoices, jar };
      if (options.stopBeforeResume) return { redirectUrl: new URL(res.headers.get("location") ?? url.href, url).href, steps, jar };
      continue;
    }
    return { redirectUrl: url.href, error: "idp_page", page: html, steps, jar };
  }
  throw new Error(`authorizeWithLogin: more than ${MAX_HOPS} redirects`);
}

/**
 * Posts the sign-in form of a result that ended on a sign-in error (`loginError`) once more, on the
 * same interaction and cookies, and reads the outcome from the redirect without loading the page it
 * names: what an attacker repeating the form post sees, for tests that count many attempts.
 */
export async function postLoginAgain(previous: AuthorizeResult, credentials: { username: string; password: string; headers?: Record<string, string> }): Promise<NonNullable<AuthorizeResult["loginError"]> | "none"> {
  if (!previous.loginError || !previous.page) throw new Error("postLoginAgain: the previous attempt did not end on the sign-in form with an error");
  const pageUrl = new URL(previous.redirectUrl);
  const csrf = hiddenValue(previous.page, "csrf");
  const login = formAction(previous.page, "login");
  if (!csrf || !login) throw new Error("postLoginAgain: no sign-in form on the previous page");
  const url = new URL(login, pageUrl);
  const headers: Record<string, string> = { accept: "text/html", "content-type": "application/x-www-form-urlencoded", origin: pageUrl.origin, ...credentials.headers };
  const cookie = previous.jar.header(url);
  if (cookie) headers.cookie = cookie;
  const res = await fetch(url, { method: "POST", headers, body: new URLSearchParams({ csrf, username: credentials.username, password: credentials.password }), redirect: "manual" });
  await res.body?.cancel();
  if (res.status !== 303) throw new Error(`postLoginAgain: the sign-in post answered ${res.status}`);
  const error = new URL(res.headers.get("location")!, url).searchParams.get("error");
  return error === "invalid_credentials" || error === "rate_limited" ? error : "none";
}

/** Continues an authorization after `stopBeforeResume` (e.g. after restarting the IdP). */
export async function resumeAuthorization(resumeUrl: string, jar: CookieJar, credentials: { username: string; password: string }): Promise<AuthorizeResult> {
  return authorizeWithLogin({ authorizationUrl: resumeUrl, jar, ...credentials });
}
