/**
 * Changing the Nextcloud scopes of the Flow 2 grant from the dashboard, with
 * the real built-in IdP answering over HTTP: removing a scope narrows the IdP
 * grant and the stored grant together, so the token exchange refuses the
 * removed scope at once and a background refresh yields only what remains;
 * adding goes through a provisioning link bound to the person, for exactly
 * the added scopes (the person confirms on the provisioning page).
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { createScopeRequestLink } from "@/lib/dashboard/create-scope-request-link";
import { getNextcloudAccess } from "@/lib/dashboard/get-nextcloud-access";
import { narrowNextcloudAccess } from "@/lib/dashboard/narrow-nextcloud-access";
import { getProvider } from "@/lib/idp/provider";
import { nextcloudResourceIndicator } from "@/lib/idp/resources";
import { describeProvisioningRequest } from "@/lib/provisioning/describe-provisioning-request";
import { getGrant, saveGrant } from "@/lib/provisioning/grant-store";
import { testDbKind } from "../helpers/databases";
import { mintMcpAccessToken, SERVER_SECRET, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

const kind = testDbKind();
const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT = "urn:ietf:params:oauth:token-type:access_token";
const GRANTED = ["notes.read", "notes.write", "files.read"];

describe(`Nextcloud scopes on the dashboard (${kind})`, () => {
  let idp: InProcessIdp;
  let alice: string;
  let bob: string;
  let serverAuth: string;

  beforeAll(async () => {
    idp = await startInProcessIdp();
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    bob = (await createAccount({ username: "bob", password: "bob-password-12345", displayName: "Bob" })).id;
    serverAuth = `Basic ${Buffer.from(`${getConfig().OIDC_CLIENT_ID}:${SERVER_SECRET}`).toString("base64")}`;
  });
  afterAll(async () => idp?.close());

  const token = (body: Record<string, string>) =>
    fetch(`${idp.url}/api/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: serverAuth }, body: new URLSearchParams(body) }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> }),
    );

  /** Flow 2 as the callback leaves it: the IdP grant of this server's client, its code redeemed for a refresh token, the grant stored. */
  async function provision(accountId: string, scopes: string[]): Promise<string> {
    const provider = await getProvider();
    const config = getConfig();
    const client = (await provider.Client.find(config.OIDC_CLIENT_ID))!;
    const resource = nextcloudResourceIndicator();
    const grant = new provider.Grant({ accountId, clientId: config.OIDC_CLIENT_ID });
    grant.addOIDCScope("openid offline_access");
    grant.addResourceScope(resource, scopes.join(" "));
    const grantId = await grant.save();
    const verifier = randomBytes(32).toString("base64url");
    const redirectUri = `${config.APP_URL}/oauth/callback-nextcloud`;
    const code = new provider.AuthorizationCode({
      accountId,
      client,
      grantId,
      scope: ["openid", "offline_access", ...scopes].join(" "),
      resource,
      redirectUri,
      codeChallenge: createHash("sha256").update(verifier).digest("base64url"),
      codeChallengeMethod: "S256",
      authTime: Math.floor(Date.now() / 1000),
    } as never);
    const redeemed = await token({ grant_type: "authorization_code", code: await code.save(), redirect_uri: redirectUri, code_verifier: verifier, resource });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    await saveGrant({ userId: accountId, audience: config.NEXTCLOUD_AUDIENCE, flowType: "flow2", scopes, idpGrantId: grantId, refreshToken: redeemed.body.refresh_token! });
    return redeemed.body.refresh_token!;
  }

  const exchange = (subject: string, scope: string) => token({ grant_type: TE, subject_token_type: AT, subject_token: subject, audience: getConfig().NEXTCLOUD_AUDIENCE, scope });

  it("removing a scope: the next exchange for it is refused, the rest still works, a refresh yields only what remains", async () => {
    let refreshToken = await provision(alice, GRANTED);
    const subject = (await mintMcpAccessToken(idp, { accountId: alice, scopes: GRANTED })).token;
    expect((await exchange(subject, "notes.write")).status).toBe(200);

    expect(await narrowNextcloudAccess({ userId: alice, keep: ["notes.read", "files.read"] })).toEqual({ narrowed: true, removed: ["notes.write"], kept: ["notes.read", "files.read"] });

    const refused = await exchange(subject, "notes.write");
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("invalid_scope");
    expect((await exchange(subject, "notes.read")).status).toBe(200);

    const refreshed = await token({ grant_type: "refresh_token", refresh_token: refreshToken, resource: nextcloudResourceIndicator() });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.scope!.split(" ")).not.toContain("notes.write");
    refreshToken = refreshed.body.refresh_token ?? refreshToken;

    const stored = (await getGrant(alice, getConfig().NEXTCLOUD_AUDIENCE))!;
    expect(stored.scopes.sort()).toEqual(["files.read", "notes.read"]);
    expect(stored.active).toBe(true);
    expect(stored.version % 2).toBe(0);
    expect((await getNextcloudAccess({ userId: alice })).notGranted.map((s) => s.name)).toContain("notes.write");
    const audit = await idp.db.prisma.auditEvent.findFirstOrThrow({ where: { userId: alice, event: "scopes_removed" } });
    expect(audit.scopes).toEqual(["notes.write"]);
    expect(audit.detail).toMatchObject({ target: "nextcloud_access" });
  });

  it("never adds, never empties, and touches only the person's own grant", async () => {
    expect(await narrowNextcloudAccess({ userId: alice, keep: ["notes.read", "files.read", "deck.write"] })).toEqual({ narrowed: false, reason: "widening" });
    expect(await narrowNextcloudAccess({ userId: alice, keep: ["notes.read", "files.read", "notes.write"] })).toEqual({ narrowed: false, reason: "widening" });
    expect(await narrowNextcloudAccess({ userId: alice, keep: ["notes.read", "files.read", "openid"] })).toEqual({ narrowed: false, reason: "widening" });
    expect(await narrowNextcloudAccess({ userId: alice, keep: [] })).toEqual({ narrowed: false, reason: "nothing_left" });
    expect(await narrowNextcloudAccess({ userId: alice, keep: ["notes.read", "files.read"] })).toEqual({ narrowed: false, reason: "unchanged" });
    await expect(narrowNextcloudAccess({ userId: alice, keep: "notes.read" })).rejects.toThrow();
    // Bob has no Nextcloud grant: his request cannot reach Alice's.
    expect(await narrowNextcloudAccess({ userId: bob, keep: ["notes.read"] })).toEqual({ narrowed: false, reason: "no_grant" });
    expect((await getGrant(alice, getConfig().NEXTCLOUD_AUDIENCE))!.scopes.sort()).toEqual(["files.read", "notes.read"]);
  });

  it("adding sends the person to the provisioning page for exactly the added scopes, bound to them", async () => {
    const url = new URL(await createScopeRequestLink({ userId: alice, scopes: ["notes.write", "files.write"] }));
    expect(url.origin).toBe(getConfig().APP_URL);
    expect(url.pathname).toBe("/oauth/authorize-nextcloud");
    const described = await describeProvisioningRequest([...url.searchParams.values()][0]);
    expect(described.ok).toBe(true);
    if (!described.ok) return;
    expect(described.view.choices.map((s) => s.name).sort()).toEqual(["files.write", "notes.write"]);
    expect(described.view.choices.every((s) => s.needed && s.ticked)).toBe(true);
    expect(described.view.kept.map((s) => s.name).sort()).toEqual(["files.read", "notes.read"]);
    await expect(createScopeRequestLink({ userId: alice, scopes: ["openid"] })).rejects.toThrow();
    await expect(createScopeRequestLink({ userId: alice, scopes: ["tables.read"] })).rejects.toThrow(); // no tool uses it
    await expect(createScopeRequestLink({ userId: alice, scopes: [] })).rejects.toThrow();
  });
});
