/**
 * A full run with debug logging — sign-in, step-up, a provisioning link
 * opened and consented (Flow 2 code and state), tool calls on exchanged
 * tokens, a token put in a query string, refused tokens, revocation — and
 * then a look at everything the app printed: none of the credentials that
 * passed through it may appear (issue 19 defect 8), while the request log
 * (lib/http/request-log.ts) has a line for each request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENCRYPTION_KEYS } from "../helpers/app-server";
import { SERVER_CLIENT_SECRET } from "../helpers/idp-app";
import { ALICE, linkIn, openProvisioningLink, PersonClient, startProvisioningStack, type ProvisioningStack } from "../helpers/provisioning-stack";

describe("the app's logs after a full run", () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    stack = await startProvisioningStack({ LOG_LEVEL: "debug" });
    alice = await new PersonClient(stack, ALICE).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  it("runs sign-in, provisioning, tool calls, refusals and revocation", async () => {
    const asked = await alice.call("nc_get_user_info");
    const link = linkIn(asked.content.map((c) => (c.type === "text" ? c.text : "")).join("\n"))!;
    expect(link).toBeTruthy();
    secrets.set("provisioning request", new URL(link).searchParams.get("request")!);
    const visit = await openProvisioningLink(link, ALICE);
    expect(visit.outcome).toBe("provisioned");
    const callback = new URL(visit.callbackUrl!);
    secrets.set("Flow 2 code", callback.searchParams.get("code")!);
    secrets.set("Flow 2 state", callback.searchParams.get("state")!);
    // A replayed callback (the code is used up by now) makes the app log a refusal.
    await fetch(callback, { redirect: "manual" }).then((r) => r.body?.cancel());
    expect((await alice.call("nc_get_user_info")).isError).toBeFalsy();

    const tokens = alice.provider.tokens()!;
    secrets.set("MCP access token", tokens.access_token);
    if (tokens.refresh_token) secrets.set("MCP refresh token", tokens.refresh_token);
    const client = alice.provider.clientInformation() as { client_secret?: string } | undefined;
    if (client?.client_secret) secrets.set("MCP client secret", client.client_secret);

    // A client that puts its token in the query string, and tokens that are refused.
    const mcp = `${stack.app.url}/api/mcp`;
    const rpc = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    await fetch(`${mcp}?access_token=${encodeURIComponent(tokens.access_token)}`, { method: "POST", headers, body: rpc }).then((r) => r.body?.cancel());
    const forged = `${tokens.access_token.slice(0, -8)}AAAAAAAA`;
    secrets.set("forged token", forged);
    await fetch(mcp, { method: "POST", headers: { ...headers, authorization: `Bearer ${forged}` }, body: rpc }).then((r) => r.body?.cancel());
    await fetch(`${stack.app.url}/oauth/callback-nextcloud?code=made-up-code-value-123&state=made-up-state-value-456`, { redirect: "manual" }).then((r) => r.body?.cancel());
    secrets.set("made-up code", "made-up-code-value-123");
    secrets.set("made-up state", "made-up-state-value-456");

    expect((await alice.call("revoke_nextcloud_access")).structuredContent).toMatchObject({ status: "revoked" });
  });

  it("printed none of the credentials that passed through it", () => {
    const output = stack.app.output();
    expect(output).toMatch(/"level":"(info|debug)"/); // the logs were captured, and are pino JSON lines
    // One request line each, the query string left out (the token sent as ?access_token= above among them).
    expect(output).toMatch(/"method":"POST","path":"\/api\/mcp","status":\d{3},"durationMs":[\d.]+,"requestId":"[0-9a-f-]{36}"/);
    expect(output).toMatch(/"method":"GET","path":"\/oauth\/callback-nextcloud","status":\d{3}/);
    secrets.set("password", ALICE.password);
    secrets.set("server client secret", SERVER_CLIENT_SECRET);
    secrets.set("encryption key", TEST_ENCRYPTION_KEYS.split(":")[1]!);
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    for (const [name, value] of secrets) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(output.includes(value), `${name} appears in the logs`).toBe(false);
    }
  });
});
