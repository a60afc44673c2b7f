/**
 * Signing-key rotation that a Nextcloud survives. Nextcloud's user_oidc keeps
 * the IdP's JWKS for an hour and never refetches it for an unknown kid; the
 * sandbox applies the same rule (lib/sandbox/issuer-keys.ts). Against the
 * real built-in IdP (in-process, real HTTP discovery and JWKS):
 *
 * - staged rotation: a token signed right after the rotation still verifies
 *   at a sandbox that cached the JWKS before it, and the new key signs only
 *   after the publish-ahead period, by which time that cache holds it;
 * - immediate rotation (the old behaviour): the same sandbox refuses the
 *   next token (401) until its cache expires.
 */
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccount } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { sessionNextcloudToken } from "@/lib/tokens/token-types";
import { checkSigningKeysNow, getProvider } from "@/lib/idp/provider";
import { diagnoseNextcloudRefusal } from "@/lib/mcp/diagnose-nextcloud-refusal";
import { getCurrentUser } from "@/lib/nextcloud/get-current-user";
import type { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { listSigningKeys, rotateSigningKeys } from "@/lib/idp/rotate-signing-keys";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { testDbKind } from "../helpers/databases";
import { startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

const USER = "/ocs/v2.php/cloud/user?format=json";
const HOUR = 3_600_000;

describe(`signing-key rotation against Nextcloud's JWKS cache on ${testDbKind()}`, () => {
  let idp: InProcessIdp;
  let alice: string;
  const sandboxes: Sandbox[] = [];

  beforeAll(async () => {
    idp = await startInProcessIdp();
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice Example" })).id;
  });
  afterAll(async () => {
    for (const s of sandboxes) await s.close();
    await idp?.close();
  });

  /** A Nextcloud token as the token exchange issues it: aud nextcloud, signed by the IdP's current key. */
  async function nextcloudToken(): Promise<string> {
    const provider = await getProvider();
    const config = getConfig();
    const client = await provider.Client.find(config.OIDC_CLIENT_ID);
    if (!client) throw new Error("the internal client is missing");
    const token = new provider.AccessToken({ accountId: alice, client, gty: "authorization_code", scope: "account.read" } as never);
    token.resourceServer = new provider.ResourceServer(config.NEXTCLOUD_AUDIENCE, {
      scope: "account.read",
      audience: config.NEXTCLOUD_AUDIENCE,
      accessTokenFormat: "jwt",
      accessTokenTTL: 120,
      jwt: { sign: { alg: "RS256" } },
    } as never);
    return token.save();
  }

  async function sandboxCaching(ttlMs: number): Promise<Sandbox> {
    const sandbox = await startSandbox({ issuer: getConfig().ISSUER, jwksCacheTtlMs: ttlMs });
    sandboxes.push(sandbox);
    return sandbox;
  }

  const status = async (sandbox: Sandbox, token: string) => (await fetch(`${sandbox.url}${USER}`, { headers: { authorization: `Bearer ${token}` } })).status;
  const kidOf = (token: string) => decodeProtectedHeader(token).kid;

  it("staged: a token signed right after the rotation still works at a Nextcloud that cached the JWKS before it", async () => {
    const nextcloud = await sandboxCaching(HOUR);
    const before = await nextcloudToken();
    expect(await status(nextcloud, before)).toBe(200); // the sandbox now holds the JWKS from before the rotation

    const { added, activatesAt } = await rotateSigningKeys({ publishAheadSeconds: 3_600 });
    expect(activatesAt).toBeGreaterThan(Date.now() + HOUR - 60_000);
    await checkSigningKeysNow();

    const after = await nextcloudToken();
    expect(added).not.toContain(kidOf(after));
    expect(await status(nextcloud, after)).toBe(200);
    // The new keys are published now, and listed as pending with their start time.
    const published = (await (await fetch(`${idp.url}/api/oidc/jwks`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(added));
    const listed = await listSigningKeys();
    for (const kid of added) expect(listed.find((k) => k.kid === kid)).toMatchObject({ state: "pending", activatesAt });
  });

  it("immediate (the old behaviour): the same Nextcloud refuses the next token with 401", async () => {
    const nextcloud = await sandboxCaching(HOUR);
    expect(await status(nextcloud, await nextcloudToken())).toBe(200);
    const { added } = await rotateSigningKeys({ immediate: true });
    await checkSigningKeysNow();
    const after = await nextcloudToken();
    expect(added).toContain(kidOf(after));
    expect(await status(nextcloud, after)).toBe(401);

    // What the tools then say: the new key, until when, and the admin's fix — not "provision again".
    const token = sessionNextcloudToken({ accessToken: after, audience: "nextcloud", scopes: ["account.read"], expiresAt: new Date(Date.now() + 120_000) });
    const refused = await getCurrentUser({ token, baseUrl: nextcloud.url }).then(
      () => undefined,
      (e: unknown) => e as NextcloudRequestError,
    );
    expect(refused).toMatchObject({ status: 401, reason: "token_not_trusted" });
    const explained = await diagnoseNextcloudRefusal(refused!, token);
    expect(explained.message).toMatch(/published only \d+ min ago/);
    expect(explained.message).toMatch(/occ user_oidc:provider/);
    expect(explained.message).toMatch(/will not help/);
    // A key that has signed for longer than Nextcloud's cache is not blamed.
    const later = await diagnoseNextcloudRefusal(refused!, token, Date.now() + 2 * HOUR);
    expect(later).toBe(refused);
  });

  it("the staged key signs once the publish-ahead period passed, and a Nextcloud whose cache is shorter than that period accepts it", async () => {
    const nextcloud = await sandboxCaching(1_000);
    expect(await status(nextcloud, await nextcloudToken())).toBe(200);
    const { added, activatesAt } = await rotateSigningKeys({ publishAheadSeconds: 4 });
    await checkSigningKeysNow();
    const early = await nextcloudToken();
    // On a loaded machine the period may already be over here; only a token minted before it must use the old key.
    if (Date.now() < activatesAt!) expect(added).not.toContain(kidOf(early));
    // No restart: the provider switches by itself when the activation time passes.
    await vi.waitUntil(async () => added.includes(kidOf(await nextcloudToken()) ?? ""), { timeout: 20_000, interval: 200 });
    expect(await status(nextcloud, await nextcloudToken())).toBe(200);
  });
});
