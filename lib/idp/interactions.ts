/**
 * The login and consent steps of the built-in IdP, for the App Router pages
 * and form handlers under /interaction/<uid>. oidc-provider finds the
 * interaction through its signed `_interaction` cookie (path /interaction/<uid>);
 * App Router code has a Web request, so a minimal Node req/res pair carrying
 * the cookie header is handed to interactionDetails/interactionResult.
 *
 * CSRF (both forms): the forms carry an HMAC of the interaction id under a
 * server key, checked on POST together with the Origin (route handlers); and
 * the signed, SameSite=Lax, path-scoped interaction cookie must come along, so
 * a cross-site POST has neither the token nor the cookie.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { checkClient, type ClientKind } from "@/lib/auth/client-registry";
import { processWideAsync } from "@/lib/process-wide";
import { consentOptions, decideConsent, parseConsentSelection, type ConsentOptions, type ConsentRequest } from "./consent-choices";
import { declinedScopes, forgetDeclined, type GrantWithRejections } from "./declined-scopes";
import { loadCookieKeys } from "./keys";
import { getProvider } from "./provider";
import { hybridNextcloudScopes, recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { resourceKind } from "./resources";

export type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;

export interface InteractionRequest {
  /** The request's Cookie header. */
  cookie: string | null;
  https: boolean;
}

function nodePair(input: InteractionRequest, uid: string): { req: IncomingMessage; res: ServerResponse } {
  const headers: Record<string, string> = input.cookie ? { cookie: input.cookie } : {};
  const socket = { encrypted: input.https, remoteAddress: "127.0.0.1" };
  const req = { method: "POST", url: `/interaction/${uid}`, headers, socket, connection: socket };
  const store = new Map<string, unknown>();
  const res = {
    statusCode: 200,
    headersSent: false,
    getHeader: (n: string) => store.get(n.toLowerCase()),
    setHeader: (n: string, v: unknown) => void store.set(n.toLowerCase(), v),
    removeHeader: (n: string) => void store.delete(n.toLowerCase()),
    hasHeader: (n: string) => store.has(n.toLowerCase()),
    getHeaders: () => Object.fromEntries(store),
    getHeaderNames: () => [...store.keys()],
    end() {},
  };
  return { req: req as unknown as IncomingMessage, res: res as unknown as ServerResponse };
}

/** The interaction for this browser, or undefined (expired, unknown, or another browser's uid). */
export async function loadInteraction(input: InteractionRequest, uid: string): Promise<Interaction | undefined> {
  const provider = await getProvider();
  const { req, res } = nodePair(input, uid);
  try {
    const details = await provider.interactionDetails(req, res);
    return details.uid === uid ? details : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the step's result; returns where the browser continues (the provider's resume URL). */
export async function finishInteraction(input: InteractionRequest, uid: string, result: Record<string, unknown>, merge = false): Promise<string> {
  const provider = await getProvider();
  const { req, res } = nodePair(input, uid);
  return provider.interactionResult(req, res, result as never, { mergeWithLastSubmission: merge });
}

// ── CSRF token ──────────────────────────────────────────────────────────────

function csrfKey(): Promise<Buffer> {
  return processWideAsync("idp-csrf-key", async () => {
    const [first] = await loadCookieKeys();
    return createHmac("sha256", first!).update("interaction-csrf-key").digest();
  });
}

export async function csrfToken(uid: string): Promise<string> {
  return createHmac("sha256", await csrfKey()).update(`interaction:${uid}`).digest("base64url");
}

export async function checkCsrfToken(uid: string, token: unknown): Promise<boolean> {
  if (typeof token !== "string" || token.length === 0 || token.length > 100) return false;
  const expected = Buffer.from(await csrfToken(uid));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ── Consent ─────────────────────────────────────────────────────────────────

export interface ConsentView {
  clientId: string;
  clientName: string;
  clientKind: ClientKind | "unknown";
  /** Where the browser is sent back: a host, or a private-use scheme. */
  redirectTarget: string;
  /** What the person may tick or untick, grouped by Nextcloud app (lib/idp/consent-choices.ts). */
  options: ConsentOptions;
  /** Hybrid mode: the ticks also decide what this server may do in Nextcloud. */
  alsoGrantsNextcloud: boolean;
}

function redirectTarget(uri: unknown): string {
  const url = typeof uri === "string" ? URL.parse(uri) : null;
  if (!url) return "(unknown)";
  return url.protocol === "https:" || url.protocol === "http:" ? url.host : `${url.protocol}//`;
}

/** The consent prompt's request: oidc-provider's missing scopes (our resources only), plus hybrid mode's Nextcloud scopes. */
export function consentRequestOf(details: Interaction): ConsentRequest {
  const { missingOIDCScope = [], missingResourceScopes = {} } = details.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const resources = Object.fromEntries(Object.entries(missingResourceScopes).filter(([indicator]) => resourceKind(indicator) !== undefined));
  return { missingOIDCScope, missingResourceScopes: resources, hybridScopes: hybridNextcloudScopes(details) };
}

/** `offered`: the resource scopes some tool uses (lib/mcp/offered-scopes.ts, passed in by the page). */
export async function describeConsent(details: Interaction, offered: readonly string[]): Promise<ConsentView> {
  const provider = await getProvider();
  const clientId = String(details.params.client_id ?? "");
  const client = await provider.Client.find(clientId);
  const check = await checkClient(clientId);
  const request = consentRequestOf(details);
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const options = consentOptions(request, offered, declinedScopes(grant as GrantWithRejections | undefined));
  return {
    clientId,
    clientName: client?.clientName ?? clientId,
    clientKind: check.allowed ? check.kind : "unknown",
    redirectTarget: redirectTarget(details.params.redirect_uri),
    options,
    alsoGrantsNextcloud: request.hybridScopes.length > 0,
  };
}

export type ConsentAnswer = { ok: true; result: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Grants what the person ticked (validated against what the page offered) and
 * records the rest as rejected; returns the interaction result. `scopeField`
 * is the form's `scope` value(s).
 */
export async function approveConsent(details: Interaction, offered: readonly string[], scopeField: unknown): Promise<ConsentAnswer> {
  const request = consentRequestOf(details);
  const options = consentOptions(request, offered);
  const selection = parseConsentSelection(scopeField, options);
  if (!selection.ok) return selection;
  const decision = decideConsent(request, options, selection.ticked);

  const provider = await getProvider();
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error("consent without a signed-in session");
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const { missingOIDCClaims } = details.prompt.details as { missingOIDCClaims?: string[] };
  // A scope declined before and ticked now: oidc-provider would keep hiding it while it stays rejected.
  forgetDeclined(grant as GrantWithRejections, [...decision.oidc.grant, ...Object.values(decision.resources).flatMap((r) => r.grant)]);
  if (decision.oidc.grant.length) grant.addOIDCScope(decision.oidc.grant.join(" "));
  if (decision.oidc.reject.length) grant.rejectOIDCScope(decision.oidc.reject.join(" "));
  if (missingOIDCClaims?.length) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, { grant: granted, reject }] of Object.entries(decision.resources)) {
    if (granted.length) grant.addResourceScope(indicator, granted.join(" "));
    if (reject.length) grant.rejectResourceScope(indicator, reject.join(" "));
  }
  const grantId = await grant.save();
  await recordHybridGrant({ accountId, clientId, scopes: decision.hybrid });
  return { ok: true, result: { consent: { grantId } } };
}

export const DENIED = { error: "access_denied", error_description: "The user denied the request" } as const;
