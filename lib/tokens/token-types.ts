/**
 * The two kinds of Nextcloud access token, as distinct types so that the
 * compiler refuses to mix them (docs/architecture.md, "Session tokens vs
 * background tokens"):
 *
 * - SessionNextcloudToken: exchanged (RFC 8693) from the caller's MCP token
 *   for one tool call; down-scoped, short-lived, never stored. The only kind
 *   a tool handler may hold.
 * - BackgroundNextcloudToken: obtained from the stored refresh token by the
 *   background job runner only.
 * - StoredRefreshToken: the decrypted refresh token itself, which exists
 *   only inside the grant store's withRefreshToken callback.
 *
 * Each brand is a unique symbol that is declared but never exported, so no
 * object literal can satisfy a type: values come only from the constructors
 * below, which the broker calls (and the grant store, for refresh tokens).
 */

declare const sessionBrand: unique symbol;
declare const backgroundBrand: unique symbol;
declare const refreshBrand: unique symbol;

interface NextcloudTokenFields {
  /** The bearer value for `Authorization: Bearer …`. Never logged, never stored. */
  readonly accessToken: string;
  /** The audience Nextcloud accepts (NEXTCLOUD_AUDIENCE). */
  readonly audience: string;
  /** Exactly the scopes the token carries. */
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
}

export interface SessionNextcloudToken extends NextcloudTokenFields {
  readonly kind: "session";
  readonly [sessionBrand]: true;
}

export interface BackgroundNextcloudToken extends NextcloudTokenFields {
  readonly kind: "background";
  readonly [backgroundBrand]: true;
}

export type NextcloudToken = SessionNextcloudToken | BackgroundNextcloudToken;

export type StoredRefreshToken = string & { readonly [refreshBrand]: true };

function freeze<T>(fields: NextcloudTokenFields, kind: "session" | "background"): T {
  const token = { kind, audience: fields.audience, scopes: Object.freeze([...fields.scopes]), expiresAt: fields.expiresAt };
  // Not enumerable: JSON.stringify, console.log and object spreads leave the bearer value out.
  Object.defineProperty(token, "accessToken", { value: fields.accessToken, enumerable: false });
  return Object.freeze(token) as unknown as T;
}

/** For the broker's session path (token exchange) only. */
export function sessionNextcloudToken(fields: NextcloudTokenFields): SessionNextcloudToken {
  return freeze<SessionNextcloudToken>(fields, "session");
}

/** For the broker's background path (refresh grant) only. */
export function backgroundNextcloudToken(fields: NextcloudTokenFields): BackgroundNextcloudToken {
  return freeze<BackgroundNextcloudToken>(fields, "background");
}

/** For the grant store only: marks a just-decrypted refresh token. */
export function storedRefreshToken(value: string): StoredRefreshToken {
  return value as StoredRefreshToken;
}

/** Whether the token is past its expiry (with a margin for the request in flight). */
export function isExpired(token: NextcloudToken, marginSeconds = 5, now = Date.now()): boolean {
  return token.expiresAt.getTime() - marginSeconds * 1000 <= now;
}

/** RFC 6750 §2.1. Either kind reaches Nextcloud the same way; what differs is who may hold it. */
export function bearerHeader(token: NextcloudToken): string {
  return `Bearer ${token.accessToken}`;
}
