/**
 * Every client lookup of the built-in IdP goes through the client registry
 * (lib/idp/client-adapter.ts, oidc-provider's "Client" adapter): the
 * operator's clients and registered ones alike are unknown while disabled or
 * outside the allowlist policy — at `Client.find`, at the authorization
 * endpoint and at the token endpoint — and come back when re-enabled. The
 * operator's clients cannot be overwritten or deleted through the adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearClientCache, setClientDisabled } from "@/lib/auth/client-registry";
import { getConfig } from "@/lib/config";
import { ClientAdapter } from "@/lib/idp/client-adapter";
import { getProvider } from "@/lib/idp/provider";
import { testDbKind } from "../helpers/databases";
import { SERVER_SECRET, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

const PREREGISTERED = "claude";
const REDIRECT = "http://127.0.0.1/callback";

describe(`client lookups at the built-in IdP on ${testDbKind()}`, () => {
  let idp: InProcessIdp;
  let dynamicId: string;
  const find = async (id: string) => (await getProvider()).Client.find(id);

  beforeAll(async () => {
    idp = await startInProcessIdp({ ALLOWED_MCP_CLIENTS: `${PREREGISTERED}|${REDIRECT}` });
    const registered = await fetch(`${idp.url}/api/oidc/reg`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Registered", redirect_uris: ["http://127.0.0.1:7000/cb"], token_endpoint_auth_method: "none" }),
    });
    expect(registered.status).toBe(201);
    dynamicId = ((await registered.json()) as { client_id: string }).client_id;
  });
  afterAll(async () => idp?.close());

  const authorize = (clientId: string, redirectUri: string) =>
    fetch(`${idp.url}/api/oidc/auth?${new URLSearchParams({ client_id: clientId, response_type: "code", scope: "openid", redirect_uri: redirectUri, code_challenge: "a".repeat(43), code_challenge_method: "S256" })}`, {
      headers: { accept: "text/html" },
      redirect: "manual",
    });

  const tokenAsServer = () =>
    fetch(`${idp.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${getConfig().OIDC_CLIENT_ID}:${SERVER_SECRET}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "not-a-real-code", redirect_uri: `${getConfig().APP_URL}/oauth/callback-nextcloud`, code_verifier: "v".repeat(43) }),
    });

  it("finds this server's client, the preregistered one and a registered one; not a stranger", async () => {
    expect((await find(getConfig().OIDC_CLIENT_ID))?.clientId).toBe(getConfig().OIDC_CLIENT_ID);
    expect((await find(PREREGISTERED))?.clientId).toBe(PREREGISTERED);
    expect((await find(dynamicId))?.clientId).toBe(dynamicId);
    expect(await find("stranger")).toBeUndefined();
    expect((await authorize(PREREGISTERED, REDIRECT)).status).toBe(303);
  });

  it("a disabled preregistered client is unknown at Client.find and at the authorization endpoint, until re-enabled", async () => {
    expect(await setClientDisabled(PREREGISTERED, true)).toBe(true);
    try {
      expect(await find(PREREGISTERED)).toBeUndefined();
      const refused = await authorize(PREREGISTERED, REDIRECT);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("invalid_client");
    } finally {
      await setClientDisabled(PREREGISTERED, false);
    }
    expect((await find(PREREGISTERED))?.clientId).toBe(PREREGISTERED);
  });

  it("this server's own client, disabled, fails client authentication at the token endpoint (invalid_client, not a wrong code)", async () => {
    const before = (await (await tokenAsServer()).json()) as { error: string };
    expect(before.error).toBe("invalid_grant");
    expect(await setClientDisabled(getConfig().OIDC_CLIENT_ID, true)).toBe(true);
    try {
      expect(await find(getConfig().OIDC_CLIENT_ID)).toBeUndefined();
      const refused = await tokenAsServer();
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: string }).error).toBe("invalid_client");
    } finally {
      await setClientDisabled(getConfig().OIDC_CLIENT_ID, false);
    }
    expect(((await (await tokenAsServer()).json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("a registered client is unknown once the policy becomes allowlist; the listed and internal clients stay", async () => {
    const saved = process.env.MCP_CLIENT_POLICY;
    process.env.MCP_CLIENT_POLICY = "allowlist";
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
    clearClientCache();
    try {
      expect(await find(dynamicId)).toBeUndefined();
      expect((await find(PREREGISTERED))?.clientId).toBe(PREREGISTERED);
      expect((await find(getConfig().OIDC_CLIENT_ID))?.clientId).toBe(getConfig().OIDC_CLIENT_ID);
    } finally {
      if (saved === undefined) delete process.env.MCP_CLIENT_POLICY;
      else process.env.MCP_CLIENT_POLICY = saved;
      delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
      clearClientCache();
    }
    expect((await find(dynamicId))?.clientId).toBe(dynamicId);
  });

  it("refuses to overwrite or delete an operator client through the adapter", async () => {
    const adapter = new ClientAdapter([{ client_id: PREREGISTERED, redirect_uris: [REDIRECT] }]);
    await expect(adapter.upsert(PREREGISTERED, { client_id: PREREGISTERED, redirect_uris: ["https://evil.example/cb"] }, 0)).rejects.toThrow(/configured by the operator/);
    await expect(adapter.destroy(PREREGISTERED)).rejects.toThrow(/configured by the operator/);
    expect((await adapter.find(PREREGISTERED))?.redirect_uris).toEqual([REDIRECT]);
  });
});
