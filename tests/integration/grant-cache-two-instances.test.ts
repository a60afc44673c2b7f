/**
 * The provisioning guard reads grants through a 3 s per-process cache
 * (lib/provisioning/grant-store.ts, GRANT_CACHE_MS). Attack on it: revoke at
 * one instance and use the grant at another, whose cache still holds the
 * grant as live. The revocation must hold at once anyway: the guard's stale
 * answer only lets the call reach the token exchange, which the IdP refuses
 * because the revocation destroyed its grant (RFC 7009 §2.1, RFC 8693 §2.2.2),
 * so no token is issued and nothing reaches Nextcloud.
 * With EXCHANGE_CACHE=memory the first instance also holds the Nextcloud
 * token it exchanged for the call before; a cache hit checks that the grant
 * it was issued under still exists (issue 19 defect 5), so the revocation
 * holds there at once too and the cached token is not used.
 * Two app processes on one PostgreSQL database (PGlite is single-process).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRANT_CACHE_MS } from "@/lib/provisioning/grant-store";
import type { AppServer } from "../helpers/app-server";
import { testDbKind } from "../helpers/databases";
import { idpEnv, startAppOnPort } from "../helpers/idp-app";
import { freePort } from "../helpers/ports";
import { ALICE, openProvisioningLink, PersonClient, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

describe.runIf(testDbKind() === "postgres").each(["off", "memory"])("grant cache across two app instances on one PostgreSQL database (EXCHANGE_CACHE=%s)", (exchangeCache) => {
  let stack: ProvisioningStack;
  let other: AppServer;
  let alice: PersonClient;
  let atOther: Client;
  /** When the first instance's guard last loaded the grant at the latest (the end of the call that warmed it). */
  let cachedBy = 0;

  beforeAll(async () => {
    stack = await startProvisioningStack({ EXCHANGE_CACHE: exchangeCache });
    // The second instance: same database, same public URL, same sandbox; reached as through a load
    // balancer (TRUST_PROXY, X-Forwarded-Host naming the public host).
    other = await startAppOnPort(
      idpEnv(stack.database, { SANDBOX_PORT: new URL(stack.sandbox.url).port, APP_URL: stack.app.url, TRUST_PROXY: "true", EXCHANGE_CACHE: exchangeCache }),
      await freePort(),
    );
    alice = await new PersonClient(stack, ALICE).connect();
    const asked = await alice.call("provision_nextcloud_access", { scopes: ["notes.read", "notes.write"] });
    const link = (asked.structuredContent as { provisioning_url?: string }).provisioning_url!;
    expect((await openProvisioningLink(link, ALICE)).outcome).toBe("provisioned");
    // Alice's MCP client at the second instance, with the token the first one's sign-in gave her.
    const token = alice.provider.tokens()!.access_token;
    atOther = new Client({ name: "second-instance", version: "1.0.0" });
    await atOther.connect(new StreamableHTTPClientTransport(new URL(`${other.url}/api/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}`, "x-forwarded-host": new URL(stack.app.url).host } } }));
  });
  afterAll(async () => {
    await atOther?.close().catch(() => {});
    await alice?.close();
    await other?.stop();
    await stack?.stop();
  });

  it("a revocation at one instance holds at once at the other, whose guard still caches the grant", async () => {
    const created = await alice.call("nc_notes_create", { title: "Cached", content: "x" });
    expect(created.isError).toBeFalsy();
    const id = (created.structuredContent as { id: number }).id;

    const warmedAt = Date.now();
    expect((await alice.call("nc_notes_get", { id })).isError).toBeFalsy(); // the first instance's guard now caches the live grant
    cachedBy = Date.now();
    if (exchangeCache === "memory") {
      // The same call again is served from the exchange cache: the same Nextcloud token reaches the sandbox.
      stack.sandbox.seen.clear();
      expect((await alice.call("nc_notes_get", { id })).isError).toBeFalsy();
      expect(stack.sandbox.seen.list()).toHaveLength(1);
    }
    const revoked = (await atOther.callTool({ name: "revoke_nextcloud_access", arguments: {} })) as CallToolResult;
    expect(revoked.isError).toBeFalsy();
    stack.sandbox.seen.clear();

    const after = await alice.call("nc_notes_get", { id });
    // Still inside the cache's lifetime, so this did exercise the stale entry.
    expect(Date.now() - warmedAt, "the revocation took longer than the cache lifetime; the attack was not tried").toBeLessThan(GRANT_CACHE_MS);
    expect(after.isError).toBe(true);
    // The guard passed on its cached grant, and the IdP refused the exchange.
    expect(textOf(after)).toMatch(/identity provider refused Nextcloud access/);
    expect(textOf(after)).toMatch(/\/oauth\/authorize-nextcloud\?request=/);
    expect(stack.sandbox.seen.list()).toHaveLength(0); // no token reached Nextcloud
  });

  it("once the cache lifetime has passed, the first instance says plainly that access is not provisioned", async () => {
    // The cached entry is dated when its load began, at the latest during the warming call above: it has
    // expired GRANT_CACHE_MS after that call ended. Wait only for what is left of that.
    await new Promise((r) => setTimeout(r, Math.max(0, cachedBy + GRANT_CACHE_MS + 100 - Date.now())));
    const result = await alice.call("nc_notes_get", { id: 1 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not been provisioned/);
  });
});
