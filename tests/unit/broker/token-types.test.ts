/**
 * Session and background Nextcloud tokens are different types. The
 * `@ts-expect-error` lines below are checked by `tsc --noEmit` (the first step
 * of `npm test`): if a line ever compiles, the directive itself becomes an
 * error, so the separation cannot silently disappear.
 */
import { inspect } from "node:util";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  backgroundNextcloudToken,
  bearerHeader,
  isExpired,
  sessionNextcloudToken,
  storedRefreshToken,
  type BackgroundNextcloudToken,
  type SessionNextcloudToken,
  type StoredRefreshToken,
} from "@/lib/tokens/token-types";

const fields = { accessToken: "eyJ.secret.sig", audience: "nextcloud", scopes: ["account.read"], expiresAt: new Date(Date.now() + 60_000) };

// What a tool handler looks like: it may only take a session token.
function toolHandler(token: SessionNextcloudToken): string {
  return token.kind;
}
// What a background job looks like: it may only take a background token.
function backgroundJob(token: BackgroundNextcloudToken): string {
  return token.kind;
}
// What the background refresh takes: only a refresh token from the grant store.
function refreshGrant(refreshToken: StoredRefreshToken): string {
  return refreshToken;
}

function compileTimeChecks() {
  const session = sessionNextcloudToken(fields);
  const background = backgroundNextcloudToken(fields);
  toolHandler(session);
  backgroundJob(background);
  refreshGrant(storedRefreshToken("rt"));

  // @ts-expect-error a tool handler must never get a token minted from the stored refresh token
  toolHandler(background);
  // @ts-expect-error a background job must not run on a caller's exchanged token
  backgroundJob(session);
  // @ts-expect-error a look-alike object literal is not a session token (the brand is unforgeable)
  toolHandler({ ...fields, kind: "session" });
  // @ts-expect-error a plain string is not a stored refresh token
  refreshGrant("rt");
  // @ts-expect-error an access token is not a refresh token
  refreshGrant(session.accessToken);
  // @ts-expect-error tokens are read-only
  session.scopes = ["files.write"];
}

describe("Nextcloud token types", () => {
  it("are distinct at compile time", () => {
    expectTypeOf<SessionNextcloudToken>().not.toEqualTypeOf<BackgroundNextcloudToken>();
    expectTypeOf(backgroundNextcloudToken(fields)).not.toMatchTypeOf<SessionNextcloudToken>();
    expectTypeOf(sessionNextcloudToken(fields)).not.toMatchTypeOf<BackgroundNextcloudToken>();
    expect(typeof compileTimeChecks).toBe("function");
  });

  it("carry their kind at run time and are frozen", () => {
    const session = sessionNextcloudToken(fields);
    expect(session.kind).toBe("session");
    expect(backgroundNextcloudToken(fields).kind).toBe("background");
    expect(Object.isFrozen(session)).toBe(true);
    expect(Object.isFrozen(session.scopes)).toBe(true);
    expect(bearerHeader(session)).toBe("Bearer eyJ.secret.sig");
  });

  it("keep the bearer value out of JSON, logs and spreads", () => {
    const token = sessionNextcloudToken(fields);
    expect(JSON.stringify(token)).not.toContain("secret");
    expect(inspect(token)).not.toContain("secret");
    expect({ ...token }).not.toHaveProperty("accessToken");
    expect(token.accessToken).toBe("eyJ.secret.sig");
  });

  it("know when they expired", () => {
    const now = Date.now();
    expect(isExpired(sessionNextcloudToken({ ...fields, expiresAt: new Date(now + 60_000) }), 5, now)).toBe(false);
    expect(isExpired(sessionNextcloudToken({ ...fields, expiresAt: new Date(now + 3_000) }), 5, now)).toBe(true);
  });
});
