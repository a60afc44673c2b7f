/**
 * What the consent page lets a person choose, and what their choice grants.
 * Pure functions: lib/idp/interactions.ts feeds them the prompt's details and
 * applies the decision to the oidc-provider Grant.
 *
 * Rules (docs/architecture.md, "Consent design"):
 * - only offered resource scopes (some tool uses them: lib/mcp/offered-scopes.ts,
 *   passed in by the page) are shown; a requested scope no tool uses is
 *   rejected without asking, so it never reaches a grant or a token;
 * - `openid` is required (it is what signing in means); every other scope shown
 *   can be unticked;
 * - defaults: everything shown is ticked, except what the person declined on
 *   an earlier consent of this client (lib/idp/declined-scopes.ts): asked
 *   again, unticked. The challenge asked for exactly the tool scopes, reads
 *   and writes alike; a write the client did not request is never shown;
 * - the posted choice is checked against what was shown (zod): a forged extra
 *   scope refuses the whole form instead of being ignored;
 * - unticked scopes are recorded as rejected (oidc-provider Grant
 *   rejectOIDCScope / rejectResourceScope): the consent prompt counts granted
 *   and rejected scopes as "encountered" (prompts/consent.js), so the person
 *   is not asked again in a loop, and the token holds only the granted ones
 *   (grant.getResourceScopeFiltered at the token endpoint).
 * In hybrid mode the same ticks also decide the Nextcloud scopes this server
 * receives (lib/idp/record-hybrid-grant.ts).
 */
import { z } from "zod";
import { scopeInfo, SCOPE_APP_TITLES, type ScopeApp, type ScopeInfo } from "@/lib/auth/scopes";

/** What the consent prompt asks for (oidc-provider's prompt details, plus hybrid mode's Nextcloud scopes). */
export interface ConsentRequest {
  missingOIDCScope: readonly string[];
  missingResourceScopes: Readonly<Record<string, readonly string[]>>;
  /** Hybrid mode: the Nextcloud scopes this consent also grants this server ([] in progressive mode). */
  hybridScopes: readonly string[];
}

export const REQUIRED_SCOPES: readonly string[] = ["openid"];

export interface ConsentChoice {
  scope: ScopeInfo;
  /** Ticked when the page is first shown. */
  ticked: boolean;
}

export interface ConsentGroup {
  /** A Nextcloud app, or "session" for identity and staying connected. */
  key: ScopeApp | "session";
  title: string;
  choices: ConsentChoice[];
}

export interface ConsentOptions {
  /** Shown and always granted. */
  required: ScopeInfo[];
  /** Grouped by Nextcloud app (in catalogue order), then "About you / staying connected". */
  groups: ConsentGroup[];
  /** Every scope name the person may tick: the only names a posted form may carry. */
  choosable: string[];
}

export interface ConsentDecision {
  oidc: { grant: string[]; reject: string[] };
  /** Per resource indicator. */
  resources: Record<string, { grant: string[]; reject: string[] }>;
  /** Hybrid mode: the Nextcloud scopes to grant this server. */
  hybrid: string[];
}

const info = (names: readonly string[]) => names.map((n) => scopeInfo(n)).filter((s): s is ScopeInfo => s !== undefined);

/** The tool scopes the page offers: requested (for any resource, or hybrid) and offered, in catalogue order. */
function resourceChoices(request: ConsentRequest, offered: readonly string[]): string[] {
  const requested = new Set([...Object.values(request.missingResourceScopes).flat(), ...request.hybridScopes]);
  return offered.filter((s) => requested.has(s));
}

/** `declinedBefore`: scopes the person unticked on an earlier consent of this client (start unticked). */
export function consentOptions(request: ConsentRequest, offered: readonly string[], declinedBefore: ReadonlySet<string> = new Set()): ConsentOptions {
  const tools = resourceChoices(request, offered);
  const groups: ConsentGroup[] = [];
  for (const scope of info(tools)) {
    const key = scope.app!;
    let group = groups.find((g) => g.key === key);
    if (!group) groups.push((group = { key, title: SCOPE_APP_TITLES[key], choices: [] }));
    group.choices.push({ scope, ticked: !declinedBefore.has(scope.name) });
  }
  const session = info(request.missingOIDCScope.filter((s) => !REQUIRED_SCOPES.includes(s)));
  if (session.length > 0) groups.push({ key: "session", title: "About you and staying connected", choices: session.map((scope) => ({ scope, ticked: !declinedBefore.has(scope.name) })) });
  return {
    required: info(request.missingOIDCScope.filter((s) => REQUIRED_SCOPES.includes(s))),
    groups,
    choosable: [...tools, ...session.map((s) => s.name)],
  };
}

/** Form values: an absent field (nothing ticked), one value, or several. */
const FormScopes = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : typeof v === "string" ? [v] : v));

export type SelectionResult = { ok: true; ticked: string[] } | { ok: false; reason: string };

/** Validates the posted `scope` field against what the page offered: every value must be choosable. */
export function parseConsentSelection(field: unknown, options: ConsentOptions): SelectionResult {
  const allowed = new Set(options.choosable);
  const schema = FormScopes.pipe(z.array(z.string().max(100).refine((s) => allowed.has(s), "not offered on this page")).max(allowed.size));
  const parsed = schema.safeParse(field);
  if (!parsed.success) return { ok: false, reason: "The form asked for a permission this page did not offer." };
  return { ok: true, ticked: [...new Set(parsed.data)] };
}

/** What to grant and reject, given the person's ticks (already validated by parseConsentSelection). */
export function decideConsent(request: ConsentRequest, options: ConsentOptions, ticked: readonly string[]): ConsentDecision {
  const chosen = new Set([...ticked.filter((s) => options.choosable.includes(s)), ...options.required.map((s) => s.name)]);
  const split = (names: readonly string[]) => ({ grant: names.filter((s) => chosen.has(s)), reject: names.filter((s) => !chosen.has(s)) });
  const resources: ConsentDecision["resources"] = {};
  for (const [indicator, names] of Object.entries(request.missingResourceScopes)) resources[indicator] = split(names);
  return { oidc: split(request.missingOIDCScope), resources, hybrid: request.hybridScopes.filter((s) => chosen.has(s)) };
}
