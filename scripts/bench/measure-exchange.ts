/**
 * (e) of `npm run bench`: the RFC 8693 exchange as a tool call really makes
 * it with the built-in IdP — `exchangeSessionToken` (lib/broker), whose
 * openid-client request is handed to the provider in this same process
 * (lib/idp/in-process-transport.ts): client authentication, the exchange
 * policy (lib/idp/grants/token-exchange.ts), token minting and the audit
 * rows, on PGlite. For comparison the same request over HTTP (loopback
 * socket to the same provider), interleaved with it. One call at a time.
 *
 * Runs in its own process (`node --import tsx scripts/bench/measure-exchange.ts`
 * prints JSON): it opens a database and sets the configuration of an
 * in-process IdP, which must not leak into the bench process.
 */
import { printJsonWhenRunDirectly, runJsonChild } from "./json-child";
import { percentile } from "./run-load";

export interface ExchangeLatencies {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  meanMs: number;
}

export interface ExchangeResult {
  inProcess: ExchangeLatencies;
  overHttp: ExchangeLatencies;
}

function summarize(samples: number[]): ExchangeLatencies {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

async function measure(iterations: number): Promise<ExchangeResult> {
  const oidc = await import("openid-client");
  const { mintMcpAccessToken, startInProcessIdp, SERVER_SECRET } = await import("../../tests/helpers/in-process-idp");
  const idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false", ACCESS_TOKEN_TTL: "3600" });
  try {
    const { createAccount } = await import("@/lib/accounts");
    const { recordHybridGrant } = await import("@/lib/idp/record-hybrid-grant");
    const { exchangeSessionToken, TOKEN_EXCHANGE_GRANT, ACCESS_TOKEN_TYPE } = await import("@/lib/broker/exchange-session-token");
    const { getConfig } = await import("@/lib/config");
    const config = getConfig();
    const accountId = (await createAccount({ username: "bench", password: "bench-password-123", displayName: "Bench" })).id;
    await recordHybridGrant({ accountId, clientId: "bench", scopes: ["account.read"] });
    const { token, clientId } = await mintMcpAccessToken(idp, { accountId, scopes: ["account.read"] });
    const subject = { token, sub: accountId, clientId };
    const overHttp = await oidc.discovery(new URL(config.ISSUER), config.OIDC_CLIENT_ID, undefined, oidc.ClientSecretBasic(SERVER_SECRET), { execute: [oidc.allowInsecureRequests] });
    const runs = {
      inProcess: async () => void (await exchangeSessionToken(subject, ["account.read"], { tool: "bench" })),
      overHttp: async () =>
        void (await oidc.genericGrantRequest(overHttp, TOKEN_EXCHANGE_GRANT, { subject_token: token, subject_token_type: ACCESS_TOKEN_TYPE, audience: config.NEXTCLOUD_AUDIENCE, scope: "account.read" })),
    };
    const samples = { inProcess: [] as number[], overHttp: [] as number[] };
    for (let i = 0; i < 50; i++) for (const run of Object.values(runs)) await run(); // warm-up (JIT, caches, connections)
    for (let i = 0; i < iterations; i++) {
      for (const [key, run] of Object.entries(runs) as [keyof typeof runs, () => Promise<void>][]) {
        const start = performance.now();
        await run();
        samples[key].push(performance.now() - start);
      }
    }
    return { inProcess: summarize(samples.inProcess), overHttp: summarize(samples.overHttp) };
  } finally {
    await idp.close();
  }
}

/** Runs the measurement in a child process and returns its result. */
export function measureExchangeInChild(iterations = 400): ExchangeResult {
  return runJsonChild<ExchangeResult>("scripts/bench/measure-exchange.ts", [String(iterations)]).result;
}

printJsonWhenRunDirectly(import.meta.url, () => measure(Math.max(20, Number(process.argv[2] ?? 400))));
