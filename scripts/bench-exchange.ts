/**
 * `npm run bench:exchange` — what the RFC 8693 exchange costs per tool call
 * (a benchmark, not a test), in one run against the production build (NEXT_DIST_DIR
 * honoured) with the built-in IdP, the Nextcloud sandbox and a provisioned user:
 *
 *   A  tools/call nc_get_user_info over HTTP: token check, guard, exchange at
 *      the IdP token endpoint, then the sandbox's OCS user endpoint;
 *   B  the same OCS call made directly with a pre-obtained Nextcloud token;
 *   C  the exchange request alone (POST /api/oidc/token, mcp-server client);
 *   D  tools/call check_provisioning_status (the MCP pipeline without Nextcloud).
 *   E  the exchange as the app makes it, HTTP vs in-process (lib/oidc/idp-client.ts):
 *      the same openid-client request to the same built-in IdP, once over a
 *      loopback socket, once handed to the provider in-process (the app uses
 *      the latter with the built-in IdP).
 *
 * Reported: p50/p99 of each, and the overhead A − B (what a tool call pays
 * over calling Nextcloud directly) — goal from the issue: < 5 ms at p50.
 * Requests are interleaved (A, B, C, D, A, …) so drift hits all alike.
 * Options: --iterations N (default 300), --db pglite|postgres (default pglite).
 */
import { parseArgs } from "node:util";
import { percentile as percentileOfSorted } from "./bench/run-load";
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run bench:exchange -- [--iterations 300] [--db pglite|postgres]
What the RFC 8693 exchange costs per tool call (production build needed: \`npm run build\`).`);
const { values } = parseArgs({ options: { iterations: { type: "string", default: "300" }, db: { type: "string", default: "pglite" } } });
const N = Math.max(20, Number(values.iterations));
process.env.TEST_DB = values.db === "postgres" ? "postgres" : "pglite";

const percentile = (samples: number[], p: number) => percentileOfSorted([...samples].sort((a, b) => a - b), p);
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const { ALICE, openProvisioningLink, PersonClient, startProvisioningStack, linkIn, textOf } = await import("../tests/helpers/provisioning-stack");
  const { SERVER_CLIENT_SECRET } = await import("../tests/helpers/idp-app");
  console.log(`starting the app (production build), the built-in IdP and the sandbox on ${process.env.TEST_DB} …`);
  const stack = await startProvisioningStack();
  try {
    const alice = await new PersonClient(stack, ALICE).connect();
    const first = await alice.call("nc_get_user_info");
    const link = linkIn(textOf(first));
    if (!link || (await openProvisioningLink(link, ALICE)).outcome !== "provisioned") throw new Error("provisioning failed");
    const check = await alice.call("nc_get_user_info");
    if (check.isError) throw new Error(`nc_get_user_info failed: ${textOf(check)}`);
    const mcpToken = alice.provider.tokens()!.access_token;
    await alice.close();

    const mcpUrl = `${stack.app.url}/api/mcp`;
    const tokenUrl = `${stack.app.url}/api/oidc/token`;
    const ocsUrl = `${stack.sandbox.url}/ocs/v2.php/cloud/user?format=json`;
    const basic = `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}`;
    const exchangeBody = () =>
      new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: mcpToken,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        audience: "nextcloud",
        scope: "account.read",
      });
    const exchange = async () => {
      const res = await fetch(tokenUrl, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: exchangeBody() });
      if (res.status !== 200) throw new Error(`exchange: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const nextcloudToken = await exchange();
    let id = 0;
    const toolCall = (name: string) => async () => {
      const res = await fetch(mcpUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${mcpToken}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name, arguments: {} } }),
      });
      const body = (await res.json()) as { result?: { isError?: boolean } };
      if (res.status !== 200 || !body.result || body.result.isError) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    };
    const direct = async () => {
      const res = await fetch(ocsUrl, { headers: { authorization: `Bearer ${nextcloudToken}`, "OCS-APIRequest": "true", accept: "application/json" } });
      if (res.status !== 200) throw new Error(`direct: HTTP ${res.status}`);
      await res.arrayBuffer();
    };
    const runs = { A: toolCall("nc_get_user_info"), B: direct, C: async () => void (await exchange()), D: toolCall("check_provisioning_status") };
    const samples: Record<keyof typeof runs, number[]> = { A: [], B: [], C: [], D: [] };

    for (let i = 0; i < 30; i++) for (const run of Object.values(runs)) await run(); // warm-up (JIT, caches, connections)
    for (let i = 0; i < N; i++) for (const [key, run] of Object.entries(runs) as [keyof typeof runs, () => Promise<void>][]) samples[key].push(await timed(run));

    const row = (label: string, s: number[]) => console.log(`${label.padEnd(64)} p50 ${ms(percentile(s, 50)).padStart(10)}   p99 ${ms(percentile(s, 99)).padStart(10)}`);
    console.log(`\n${N} interleaved iterations, ${process.env.TEST_DB}, sequential (one request at a time)\n`);
    row("A  tools/call nc_get_user_info (guard + exchange + Nextcloud)", samples.A);
    row("B  OCS /cloud/user directly with a pre-obtained token", samples.B);
    row("C  token exchange alone (POST /api/oidc/token)", samples.C);
    row("D  tools/call check_provisioning_status (no Nextcloud)", samples.D);
    const diff = (p: number) => percentile(samples.A, p) - percentile(samples.B, p);
    console.log(`\nA − B (overhead of a tool call over calling Nextcloud directly): p50 ${ms(diff(50))}, p99 ${ms(diff(99))}`);
    console.log(`A − B − D (exchange + guard, beyond the MCP pipeline):         p50 ${ms(diff(50) - percentile(samples.D, 50))}`);
    console.log(`goal: A − B < 5 ms at p50 → ${diff(50) < 5 ? "met" : "NOT met"}`);
  } finally {
    await stack.stop();
  }
  await compareTransports();
}

/** E: one IdP served in this process; the same token-exchange request over HTTP and in-process, interleaved. */
async function compareTransports(): Promise<void> {
  const oidc = await import("openid-client");
  const { mintMcpAccessToken, startInProcessIdp, SERVER_SECRET } = await import("../tests/helpers/in-process-idp");
  const idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false" });
  try {
    const { createAccount } = await import("@/lib/accounts");
    const { recordHybridGrant } = await import("@/lib/idp/record-hybrid-grant");
    const { inProcessIdpFetch } = await import("@/lib/oidc/idp-client");
    const { callProvider } = await import("@/lib/idp/in-process-transport");
    const { getProvider } = await import("@/lib/idp/provider");
    const { getConfig } = await import("@/lib/config");
    const issuer = getConfig().ISSUER;
    const accountId = (await createAccount({ username: "bench", password: "bench-password-123", displayName: "Bench" })).id;
    await recordHybridGrant({ accountId, clientId: "bench", scopes: ["account.read"] });
    const { token } = await mintMcpAccessToken(idp, { accountId, scopes: ["account.read"] });
    const discover = () => oidc.discovery(new URL(issuer), "mcp-server", undefined, oidc.ClientSecretBasic(SERVER_SECRET), { execute: [oidc.allowInsecureRequests] });
    const overHttp = await discover();
    const inProcess = await discover();
    inProcess[oidc.customFetch] = inProcessIdpFetch(issuer, async (request, providerPath) => callProvider(await getProvider(), request, providerPath)) as never;
    const params = { subject_token: token, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", audience: "nextcloud", scope: "account.read" };
    const grant = (config: typeof overHttp) => async () => void (await oidc.genericGrantRequest(config, "urn:ietf:params:oauth:grant-type:token-exchange", params));
    const samples = { http: [] as number[], inProcess: [] as number[] };
    for (let i = 0; i < 30; i++) {
      await grant(overHttp)();
      await grant(inProcess)();
    }
    for (let i = 0; i < N; i++) {
      samples.http.push(await timed(grant(overHttp)));
      samples.inProcess.push(await timed(grant(inProcess)));
    }
    const row = (label: string, s: number[]) => console.log(`${label.padEnd(64)} p50 ${ms(percentile(s, 50)).padStart(10)}   p99 ${ms(percentile(s, 99)).padStart(10)}`);
    console.log(`\nE  the app's exchange request, same IdP, ${N} interleaved iterations`);
    row("   over HTTP (loopback socket)", samples.http);
    row("   in-process (used by the app with the built-in IdP)", samples.inProcess);
  } finally {
    await idp.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
