/**
 * Hybrid mode (ENABLE_PROGRESSIVE_CONSENT=false): the client's own consent
 * screen also grants this server the Nextcloud scopes, and the grant is
 * stored at that moment. Tools work without a separate provisioning step, yet
 * every call still exchanges a session token; revocation works as in Flow 2.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import type { SeenToken } from "@/lib/sandbox/token-log";
import { testDbKind } from "../helpers/databases";
import { authorizationRequest, register, relyingParty, exchangeForNextcloud } from "../helpers/idp-app";
import { createCookieJar } from "../helpers/oidc-login";
import { ALICE, BOB, linkIn, PersonClient, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();

/** Signs in and returns the consent page's HTML (without answering it). */
async function consentPage(stack: ProvisioningStack, scope: string): Promise<string> {
  const redirect = "http://127.0.0.1:7781/cb";
  const clientId = (await register(stack.app, { client_name: "Hybrid Viewer", redirect_uris: [redirect], token_endpoint_auth_method: "none" })).body.client_id as string;
  const request = await authorizationRequest(await relyingParty(stack.app, clientId), { redirect_uri: redirect, scope, resource: `${stack.app.url}/api/mcp` });
  const jar = createCookieJar();
  let url = request.url;
  let init: { method: string; body?: URLSearchParams } = { method: "GET" };
  for (let hop = 0; hop < 12; hop++) {
    const headers: Record<string, string> = { accept: "text/html", cookie: jar.header(url) };
    if (init.body) Object.assign(headers, { "content-type": "application/x-www-form-urlencoded", origin: url.origin });
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    jar.store(url, res.headers.getSetCookie());
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get("location")!, url);
      init = { method: "GET" };
      continue;
    }
    const html = await res.text();
    const csrf = /name="csrf"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)"[^>]*name="csrf"/.exec(html)?.[1];
    if (html.includes("/login\"") && csrf) {
      url = new URL(`${url.pathname}/login`, url);
      init = { method: "POST", body: new URLSearchParams({ csrf, username: ALICE.username, password: ALICE.password }) };
      continue;
    }
    return html;
  }
  throw new Error("no consent page");
}

describe(`hybrid mode on ${kind}`, () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;

  beforeAll(async () => {
    stack = await startProvisioningStack({ ENABLE_PROGRESSIVE_CONSENT: "false" });
    alice = await new PersonClient(stack, ALICE).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  it("the client's consent screen shows the Nextcloud access it also grants", async () => {
    const html = await consentPage(stack, "openid account.read");
    // One set of choices decides both the client's token and this server's Nextcloud access.
    expect(html).toMatch(/data-testid="scope-group-account"[\s\S]*<input(?=[^>]*name="scope")(?=[^>]*value="account\.read")(?=[^>]*checked)/);
    expect(html).toContain("also lets this server act in your Nextcloud");
  });

  it("after the client's consent, Nextcloud tools work without provisioning, on exchanged tokens", async () => {
    stack.sandbox.seen.clear();
    const result = await alice.call("nc_get_user_info");
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: stack.ids.alice });
    const status = await alice.call("check_provisioning_status");
    expect(status.structuredContent).toMatchObject({ is_provisioned: true, flow_type: "hybrid" });
    // The client's first contact asked for every offered tool scope; all were left ticked.
    expect((status.structuredContent as { scopes: string[] }).scopes.sort()).toEqual(offeredResourceScopes().sort());
    const seen = (await (await fetch(`${stack.sandbox.url}/__sandbox/seen`)).json()) as { tokens: SeenToken[] };
    // The first tool call also reads which apps the Nextcloud has (capabilities), with the same down-scoped token.
    const capabilityReads = seen.tokens.filter((t) => t.path.startsWith("/ocs/v2.php/cloud/capabilities"));
    expect(capabilityReads.every((t) => t.scope.join(" ") === "account.read")).toBe(true);
    const apiCalls = seen.tokens.filter((t) => !capabilityReads.includes(t));
    expect(apiCalls).toHaveLength(1);
    expect(apiCalls[0]).toMatchObject({ aud: "nextcloud", scope: ["account.read"], act: { sub: "mcp-server" } });
    expect(apiCalls[0]!.lifetime).toBeLessThanOrEqual(300);
  });

  it("exchanged tokens carry no name claims when the client's consent did not include profile", async () => {
    const exchange = await exchangeForNextcloud(stack.app.url, alice.provider.tokens()!.access_token, "account.read");
    expect(exchange.status).toBe(200);
    const claims = decodeJwt(((await exchange.json()) as { access_token: string }).access_token);
    expect(alice.provider.tokens()!.scope?.split(" ") ?? []).not.toContain("profile");
    expect(claims).toMatchObject({ sub: stack.ids.alice, aud: "nextcloud" });
    expect(claims).not.toHaveProperty("preferred_username");
    expect(claims).not.toHaveProperty("name");
  });

  it("revocation works as in Flow 2: the next call asks for provisioning", async () => {
    expect((await alice.call("revoke_nextcloud_access")).structuredContent).toMatchObject({ status: "revoked" });
    const after = await alice.call("nc_get_user_info");
    expect(after.isError).toBe(true);
    expect(linkIn(textOf(after))).toBeTruthy();
  });

  it("one set of ticks decides both: a person who unticks files.write gives neither the client nor this server that access", async () => {
    const bob = await new PersonClient(stack, BOB, { untick: ["files.write"] }).connect();
    try {
      const names = (await bob.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("nc_webdav_read_file");
      expect(names).not.toContain("nc_webdav_write_file");
      const claims = JSON.parse(Buffer.from(bob.provider.tokens()!.access_token.split(".")[1]!, "base64url").toString()) as { scope: string };
      expect(claims.scope.split(" ")).not.toContain("files.write");
      const status = await bob.call("check_provisioning_status");
      expect(status.structuredContent).toMatchObject({ is_provisioned: true, flow_type: "hybrid" });
      const granted = (status.structuredContent as { scopes: string[] }).scopes;
      expect(granted).not.toContain("files.write");
      expect(granted.sort()).toEqual(offeredResourceScopes().filter((s) => s !== "files.write").sort());
    } finally {
      await bob.close();
    }
  });
});
