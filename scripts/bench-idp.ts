/**
 * `npm run bench:idp` — what the built-in IdP costs a client (a benchmark, not a test):
 * - authorize round trip: authorization request → sign-in form → consent → code
 *   at the redirect URI (every HTTP hop a browser makes, no JavaScript);
 * - token endpoint: authorization_code + PKCE exchange, and refresh_token
 *   rotation, each measured by openid-client as a real relying party.
 * Production build (`npm run build`, NEXT_DIST_DIR honoured), a fresh database
 * (PGlite by default, `--db postgres` for the machine's PostgreSQL), loopback only.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run bench:idp -- [--db pglite|postgres] [--rounds 40]
What the built-in IdP costs a client (production build needed: \`npm run build\`).`);
// The benchmark's modules are imported after --help is answered (they load the app's code and the load generator).
const [oidc, { createTestDatabase }, { ALICE, authorizationRequest, idpEnv, register, relyingParty, seedAccounts, startApp }, { authorizeWithLogin }, { percentile }] = await Promise.all([
  import("openid-client"),
  import("../tests/helpers/databases"),
  import("../tests/helpers/idp-app"),
  import("../tests/helpers/oidc-login"),
  import("./bench/run-load"),
]);
const { values } = parseArgs({ options: { db: { type: "string", default: "pglite" }, rounds: { type: "string", default: "40" } } });
const kind = values.db === "postgres" ? "postgres" : "pglite";
const rounds = Number(values.rounds);
const REDIRECT = "http://127.0.0.1:9/cb";

const database = await createTestDatabase(kind);
await seedAccounts(database, [ALICE]);
const app = await startApp(idpEnv(database));
try {
  const clientId = (await register(app, { client_name: "Bench client", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" })).body.client_id as string;
  const rp = await relyingParty(app, clientId);
  const resource = `${app.url}/api/mcp`;
  const authorize: number[] = [];
  const codeExchange: number[] = [];
  const refresh: number[] = [];
  let refreshToken: string | undefined;
  for (let i = 0; i < rounds + 3; i++) {
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, scope: "openid notes.read offline_access", resource });
    let t = performance.now();
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    const authorizeMs = performance.now() - t;
    if (!result.code) throw new Error(`authorization failed: ${result.error ?? result.loginError ?? "no code"}`);
    t = performance.now();
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state }, { resource });
    const exchangeMs = performance.now() - t;
    if (i >= 3) {
      // the first rounds warm up the JIT and the caches
      authorize.push(authorizeMs);
      codeExchange.push(exchangeMs);
    }
    refreshToken = tokens.refresh_token;
  }
  for (let i = 0; i < rounds * 2; i++) {
    const t = performance.now();
    const tokens = await oidc.refreshTokenGrant(rp, refreshToken!, { resource });
    refresh.push(performance.now() - t);
    refreshToken = tokens.refresh_token;
  }
  const row = (name: string, samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return { measurement: name, n: sorted.length, p50_ms: +percentile(sorted, 50).toFixed(1), p99_ms: +percentile(sorted, 99).toFixed(1) };
  };
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, database ${kind}`);
  console.table([row("authorize round trip (sign-in + consent)", authorize), row("token endpoint: code + PKCE", codeExchange), row("token endpoint: refresh (rotation)", refresh)]);
} finally {
  await app.stop();
  await database.drop();
}
