/**
 * The one table of which Nextcloud API a scope reaches: (API kind, method,
 * path pattern) → the scopes of which a request needs one. Every request
 * this server sends to Nextcloud on a person's behalf is checked against it
 * before it leaves (send-nextcloud-request.ts), in both NEXTCLOUD_AUTH
 * modes, against the scopes of the call's exchanged token.
 *
 * Why here and not only at Nextcloud: an app password (NEXTCLOUD_AUTH=
 * app-password) is unscoped — Nextcloud lets it do anything the account may
 * — so least privilege there exists only because this server refuses a
 * request no scope of the call covers. In bearer mode Nextcloud's
 * `user_oidc` checks no scopes either; the table makes the rule the same in
 * both modes.
 *
 * Rules:
 * - No row: the request is refused (deny by default).
 * - The path is matched after URL normalisation (dot segments resolved,
 *   resolveNextcloudUrl) and below the Nextcloud base path; the query is
 *   ignored. A WebDAV MOVE/COPY `Destination` must match a row for the same
 *   method too, so a copy cannot leave the scope's area.
 * - The sandbox's route table (lib/sandbox) states the same scopes per route
 *   for bearer tokens (as a stand-in for a scope-checking Nextcloud); keep
 *   the two in step when an API is added (Deck and sharing: add their rows).
 */
import { resourceScopes } from "@/lib/auth/scopes";
import type { NextcloudApi } from "./nextcloud-api";

export interface ApiScopeRule {
  api: NextcloudApi;
  /** Upper-case HTTP methods. */
  methods: readonly string[];
  /** Matched against the whole path (no query), anchored. */
  path: RegExp;
  /** One of these scopes is needed. */
  anyOf: readonly string[];
  /** For error messages and the docs. */
  what: string;
}

const DAV_READ = ["GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT"];
const FILES_WRITE = ["PUT", "MKCOL", "DELETE", "MOVE", "COPY", "PROPPATCH", "LOCK", "UNLOCK"];
const DAV_COLLECTION_WRITE = ["PUT", "DELETE", "MKCALENDAR", "MKCOL", "PROPPATCH"];
const APP_WRITE = ["POST", "PUT", "PATCH", "DELETE"];
const DAV_SCOPES = ["files.read", "files.write", "calendar.read", "calendar.write", "contacts.read", "contacts.write"];

/** A path segment and everything below it (or nothing). */
const below = (prefix: string) => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:/.*)?$`);

export const API_SCOPE_RULES: readonly ApiScopeRule[] = [
  { api: "ocs", methods: ["GET"], path: /^\/ocs\/v2\.php\/cloud\/user$/, anyOf: ["account.read"], what: "your Nextcloud account" },
  { api: "app", methods: ["GET"], path: below("/index.php/apps/notes/api/v1/notes"), anyOf: ["notes.read"], what: "reading notes" },
  { api: "app", methods: APP_WRITE, path: below("/index.php/apps/notes/api/v1/notes"), anyOf: ["notes.write"], what: "changing notes" },
  { api: "app", methods: ["GET"], path: /^\/index\.php\/apps\/notes\/api\/v1\/settings$/, anyOf: ["notes.read"], what: "the Notes settings" },
  { api: "app", methods: ["PUT"], path: /^\/index\.php\/apps\/notes\/api\/v1\/settings$/, anyOf: ["notes.write"], what: "changing the Notes settings" },
  // Which apps the Nextcloud has (capabilities.ts): no personal data; any Nextcloud scope may ask.
  { api: "ocs", methods: ["GET"], path: /^\/ocs\/v2\.php\/cloud\/capabilities$/, anyOf: resourceScopes("nextcloud"), what: "the Nextcloud's capabilities" },
  { api: "app", methods: ["GET"], path: below("/index.php/apps/deck/api/v1.0"), anyOf: ["deck.read"], what: "reading Deck boards" },
  { api: "app", methods: APP_WRITE, path: below("/index.php/apps/deck/api/v1.0"), anyOf: ["deck.write"], what: "changing Deck boards" },
  // Deck's comments exist only in its OCS API.
  { api: "ocs", methods: ["GET"], path: below("/ocs/v2.php/apps/deck/api/v1.0"), anyOf: ["deck.read"], what: "reading Deck comments" },
  { api: "ocs", methods: APP_WRITE, path: below("/ocs/v2.php/apps/deck/api/v1.0"), anyOf: ["deck.write"], what: "commenting on Deck cards" },
  // Sharing: listing who a file is shared with is part of sharing, not of reading files.
  { api: "ocs", methods: ["GET", ...APP_WRITE], path: below("/ocs/v2.php/apps/files_sharing/api/v1/shares"), anyOf: ["files.share"], what: "sharing files" },
  // Which WebDAV user the caller is (current-user-principal): no file data; any DAV scope may ask.
  { api: "webdav", methods: ["PROPFIND"], path: /^\/remote\.php\/dav\/?$/, anyOf: DAV_SCOPES, what: "your WebDAV account" },
  { api: "webdav", methods: ["SEARCH"], path: /^\/remote\.php\/dav\/?$/, anyOf: ["files.read"], what: "searching files" },
  { api: "webdav", methods: DAV_READ, path: below("/remote.php/dav/files"), anyOf: ["files.read"], what: "reading files" },
  { api: "webdav", methods: FILES_WRITE, path: below("/remote.php/dav/files"), anyOf: ["files.write"], what: "changing files" },
  { api: "webdav", methods: DAV_READ, path: below("/remote.php/dav/calendars"), anyOf: ["calendar.read"], what: "reading calendars" },
  { api: "webdav", methods: DAV_COLLECTION_WRITE, path: below("/remote.php/dav/calendars"), anyOf: ["calendar.write"], what: "changing calendars" },
  { api: "webdav", methods: DAV_READ, path: below("/remote.php/dav/addressbooks"), anyOf: ["contacts.read"], what: "reading contacts" },
  { api: "webdav", methods: DAV_COLLECTION_WRITE, path: below("/remote.php/dav/addressbooks"), anyOf: ["contacts.write"], what: "changing contacts" },
];

export type ScopeDecision = { allowed: true; rule: ApiScopeRule } | { allowed: false; rule?: ApiScopeRule };

/** The rule for a request; `path` is the normalised path below the Nextcloud base URL, without the query. */
export function findApiScopeRule(api: NextcloudApi, method: string, path: string): ApiScopeRule | undefined {
  const m = method.toUpperCase();
  return API_SCOPE_RULES.find((rule) => rule.api === api && rule.methods.includes(m) && rule.path.test(path));
}

/** Whether `scopes` (the call's exchanged token) reach this API; no rule → refused. */
export function decideApiScope(api: NextcloudApi, method: string, path: string, scopes: readonly string[]): ScopeDecision {
  const rule = findApiScopeRule(api, method, path);
  if (!rule) return { allowed: false };
  return rule.anyOf.some((s) => scopes.includes(s)) ? { allowed: true, rule } : { allowed: false, rule };
}
