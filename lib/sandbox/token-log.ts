/**
 * What the sandbox saw: the claims of every token whose signature, issuer,
 * audience and lifetime were accepted, in a bounded in-memory log. End-to-end
 * tests read it (GET /__sandbox/seen, only when started with recordTokens) to
 * prove what reached "Nextcloud": audience, scopes, the `act` actor (RFC 8693
 * §4.1) and lifetime. Never the token itself.
 */
import type { AcceptedToken } from "./verify-bearer-token";

export type SeenOutcome = "served" | "insufficient_scope" | "cors_requires_basic_auth" | "csrf_check_failed";

export interface SeenToken {
  at: string;
  method: string;
  path: string;
  outcome: SeenOutcome;
  sub: string;
  iss: string | undefined;
  aud: string | string[] | undefined;
  scope: string[];
  act: unknown;
  client_id: unknown;
  /** exp − iat in seconds (null when the token has no iat). */
  lifetime: number | null;
  exp: number | undefined;
  iat: number | undefined;
}

export class TokenLog {
  private entries: SeenToken[] = [];

  constructor(private readonly capacity = 500) {}

  record(token: AcceptedToken, request: { method: string; path: string }, outcome: SeenOutcome): void {
    const { claims } = token;
    this.entries.push({
      at: new Date().toISOString(),
      method: request.method,
      path: request.path,
      outcome,
      sub: token.sub,
      iss: claims.iss,
      aud: claims.aud,
      scope: token.scopes,
      act: claims.act ?? null,
      client_id: claims.client_id ?? null,
      lifetime: typeof claims.exp === "number" && typeof claims.iat === "number" ? claims.exp - claims.iat : null,
      exp: claims.exp,
      iat: claims.iat,
    });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): readonly SeenToken[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}

/** A request the sandbox served with Basic auth and a valid app password (NEXTCLOUD_AUTH=app-password). */
export interface SeenAppPasswordUse {
  at: string;
  method: string;
  path: string;
  /** The login name of the Basic header (the Nextcloud account whose app password it is). Never the password. */
  loginName: string;
}

/**
 * What the sandbox saw in app-password mode: each request it served with a
 * valid app password, in a bounded in-memory log (test only, like TokenLog).
 * Who and where, never the password.
 */
export class AppPasswordLog {
  private entries: SeenAppPasswordUse[] = [];

  constructor(private readonly capacity = 500) {}

  record(loginName: string, request: { method: string; path: string }): void {
    this.entries.push({ at: new Date().toISOString(), method: request.method, path: request.path, loginName });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): readonly SeenAppPasswordUse[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
