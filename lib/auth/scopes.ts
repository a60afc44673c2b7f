/**
 * The scope catalogue: every scope this system knows, with the plain-language
 * explanation people see on consent and provisioning pages. One list for the
 * IdP (what may be requested), the MCP endpoint (what tools require), the
 * protected resource metadata and the token exchange.
 *
 * Resource scopes exist on both resources with the same name: an MCP token
 * with `notes.read` lets a client call the notes-reading tools (Flow 1); a
 * Nextcloud grant with `notes.read` lets this server read notes (Flow 2). The
 * exchanged token carries their intersection, down-scoped to one tool.
 */

export type ResourceKind = "mcp" | "nextcloud";

/** The Nextcloud app a resource scope belongs to: consent pages group scopes by it. */
export type ScopeApp = "account" | "notes" | "files" | "calendar" | "contacts" | "deck";

export const SCOPE_APP_TITLES: Readonly<Record<ScopeApp, string>> = {
  account: "Your account",
  notes: "Notes",
  files: "Files",
  calendar: "Calendar",
  contacts: "Contacts",
  deck: "Deck",
};

export interface ScopeInfo {
  name: string;
  /** Short label, e.g. "Read your notes". */
  title: string;
  /** One or two sentences a person can act on. */
  explanation: string;
  /** OpenID Connect scopes (not tied to a resource). */
  oidc?: boolean;
  resources: readonly ResourceKind[];
  /** The Nextcloud app of a resource scope (absent for OpenID Connect scopes). */
  app?: ScopeApp;
  /** Changes data (shown with emphasis on consent pages). */
  writes?: boolean;
  /**
   * The Nextcloud app whose API the scope's tools call, as its key in
   * /ocs/v2.php/cloud/capabilities (absent: part of every Nextcloud). When
   * the capabilities say the app is missing, its tools are not listed and
   * the pages say so; the scope stays grantable (lib/mcp/tool-availability.ts).
   */
  requiresApp?: string;
}

const both = ["mcp", "nextcloud"] as const;

export const SCOPES: readonly ScopeInfo[] = [
  { name: "openid", title: "Know who you are", explanation: "Confirms your account identifier to the application.", oidc: true, resources: [] },
  { name: "profile", title: "See your name", explanation: "Your display name and username.", oidc: true, resources: [] },
  { name: "email", title: "See your email address", explanation: "The email address of your account.", oidc: true, resources: [] },
  {
    name: "offline_access",
    title: "Stay connected",
    explanation: "Keep access while you are away, until you revoke it, by renewing short-lived tokens.",
    oidc: true,
    resources: [],
  },
  { name: "account.read", title: "See your Nextcloud account", explanation: "Your Nextcloud user id, display name, email, quota and groups.", app: "account", resources: both },
  { name: "notes.read", title: "Read your notes", explanation: "List, search and open notes in the Nextcloud Notes app.", app: "notes", resources: both, requiresApp: "notes" },
  { name: "notes.write", title: "Change your notes", explanation: "Create, edit, append to and delete notes.", app: "notes", resources: both, writes: true, requiresApp: "notes" },
  { name: "files.read", title: "Read your files", explanation: "List folders, search and read files in your Nextcloud.", app: "files", resources: both },
  { name: "files.write", title: "Change your files", explanation: "Upload, overwrite, move, copy and delete files and folders.", app: "files", resources: both, writes: true },
  {
    name: "files.share",
    title: "Share your files",
    explanation:
      "See who your files and folders are shared with, share them with people and groups, and create public links — a public link lets anyone who has it open the file outside Nextcloud.",
    app: "files",
    resources: both,
    writes: true,
    requiresApp: "files_sharing",
  },
  { name: "calendar.read", title: "Read your calendars", explanation: "See your calendars and task lists: events (repeats included), when you are free, and tasks.", app: "calendar", resources: both },
  { name: "calendar.write", title: "Change your calendars", explanation: "Create, move, change and delete events (with attendees and reminders); add, complete and delete tasks.", app: "calendar", resources: both, writes: true },
  { name: "contacts.read", title: "Read your contacts", explanation: "See your address books and search your contacts by name, email, phone number or organisation.", app: "contacts", resources: both },
  { name: "contacts.write", title: "Change your contacts", explanation: "Add, change and delete contacts.", app: "contacts", resources: both, writes: true },
  { name: "deck.read", title: "Read your Deck boards", explanation: "See your boards with their lists (stacks), cards, labels, assignees and comments.", app: "deck", resources: both, requiresApp: "deck" },
  {
    name: "deck.write",
    title: "Change your Deck boards",
    explanation: "Create boards; create, change, move, archive and delete cards, lists (stacks) and labels; comment on cards.",
    app: "deck",
    resources: both,
    writes: true,
    requiresApp: "deck",
  },
];

const BY_NAME = new Map(SCOPES.map((s) => [s.name, s]));

export function scopeInfo(name: string): ScopeInfo | undefined {
  return BY_NAME.get(name);
}

export function isKnownScope(name: string): boolean {
  return BY_NAME.has(name);
}

export const OIDC_SCOPES: readonly string[] = SCOPES.filter((s) => s.oidc).map((s) => s.name);

export function resourceScopes(kind: ResourceKind): string[] {
  return SCOPES.filter((s) => s.resources.includes(kind)).map((s) => s.name);
}

/**
 * The resource scopes some tool requires, in catalogue order: the only
 * resource scopes offered anywhere (challenge, metadata, consent, provisioning).
 * A scope no tool uses grants nothing, so offering it would only ask a person
 * to approve a permission that does nothing. Callers pass the tools in
 * (lib/mcp/offered-scopes.ts holds the catalogue), so this module imports no tool.
 */
export function scopesUsedBy(tools: readonly { requiredScopes: readonly string[] }[]): string[] {
  const used = new Set(tools.flatMap((t) => t.requiredScopes));
  return SCOPES.filter((s) => s.resources.length > 0 && used.has(s.name)).map((s) => s.name);
}

/** Splits a space-delimited scope string (RFC 6749 §3.3) into unique names, in order. */
export function parseScope(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? "").split(" ").filter(Boolean))];
}

export function formatScope(scopes: Iterable<string>): string {
  return [...new Set(scopes)].join(" ");
}

/** The scopes in `needed` that `held` lacks. */
export function missingScopes(needed: Iterable<string>, held: Iterable<string>): string[] {
  const have = new Set(held);
  return [...new Set(needed)].filter((s) => !have.has(s));
}
