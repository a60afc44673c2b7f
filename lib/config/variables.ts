/**
 * Every environment variable the application reads, in one table: its zod
 * schema, its documented default, an example of a valid value and a one-line
 * description. The README's configuration table and `.env.example` are
 * generated from (and checked against) this table by scripts/config-docs.ts.
 */
import { z } from "zod";

export interface VariableSpec {
  /** Validates the raw string (after the default was applied). */
  schema: z.ZodType;
  /** The default as a person would write it; undefined = optional, no default. */
  default?: string;
  /** A valid value, shown in error messages and docs. */
  example: string;
  description: string;
  /** Secrets are never echoed, in errors or elsewhere. */
  secret?: boolean;
}

const bool = z.enum(["true", "false", "1", "0"], { error: "must be true or false" }).transform((v) => v === "true" || v === "1");

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v), "must be an absolute URL")
  .transform((v) => new URL(v))
  .refine((u) => u.protocol === "http:" || u.protocol === "https:", "must use http or https")
  .refine((u) => !u.search && !u.hash, "must not have a query or a fragment")
  .refine((u) => !u.username && !u.password, "must not contain credentials")
  // Canonical form without a trailing slash, so `${APP_URL}/api/mcp` is exact.
  .transform((u) => u.href.replace(/\/+$/, ""));

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), "must be a postgres:// or postgresql:// URL");

const optionalHttpUrl = httpUrl.optional();

const list = z.string().transform((v) => v.split(/[\s,]+/).filter(Boolean));

/** `id:base64` entries, each a 32-byte AES-256 key, ids unique. */
const encryptionKeys = list.pipe(
  z
    .array(
      z.string().transform((entry, ctx) => {
        const [id, b64, ...rest] = entry.split(":");
        const key = b64 ? Buffer.from(b64, "base64") : Buffer.alloc(0);
        if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || rest.length > 0 || key.length !== 32) {
          ctx.addIssue({ code: "custom", message: "each entry must be id:base64 with a 32-byte key (openssl rand -base64 32)" });
          return z.NEVER;
        }
        return { id, key };
      }),
    )
    .min(1, "must hold at least one key")
    .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, "key ids must be unique"),
);

const seconds = (min: number, max: number) =>
  z.coerce.number({ error: "must be a number of seconds" }).int("must be a whole number of seconds").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const port = z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be 1-65535").max(65535, "must be 1-65535");

export const variables = {
  NODE_ENV: {
    schema: z.enum(["development", "production", "test"], { error: "must be development, production or test" }),
    default: "development",
    example: "production",
    description: "Runtime mode. `next start` sets production, `next dev` development.",
  },
  APP_URL: {
    schema: httpUrl,
    default: "http://localhost:3000",
    example: "https://mcp.example.com",
    description: "Public base URL of this server (no trailing slash). The MCP endpoint is `${APP_URL}/api/mcp`. Unset: `http://localhost:${PORT}`.",
  },
  PORT: {
    schema: port,
    default: "3000",
    example: "3000",
    description: "Port the app listens on (read by `npm run dev`/`npm start`).",
  },
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    example: "postgres://nextcloud_mcp@127.0.0.1:5432/nextcloud_mcp",
    description: "PostgreSQL server to use. Unset: the embedded PGlite database under `DATA_DIR`.",
    secret: true,
  },
  DATABASE_DIRECT_URL: {
    schema: postgresUrl.optional(),
    example: "postgres://nextcloud_mcp@db.example.com:5432/nextcloud_mcp",
    description:
      "A direct (not pooled) connection to the same database, for migrations only: they hold a session-level advisory lock, which a transaction-mode pooler (PgBouncer, Neon's pooled URL) cannot keep. Unset: DATABASE_URL.",
    secret: true,
  },
  DATABASE_POOL_MAX: {
    schema: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(2, "must be at least 2").max(100, "must be at most 100"),
    default: "10",
    example: "3",
    description: "Connections per process to PostgreSQL. Default 10, or 3 on Vercel (many small instances, each with its own pool; put a pooler in DATABASE_URL).",
  },
  VERCEL: {
    schema: bool.optional(),
    example: "1",
    description: "Set by Vercel (`1`) on its build and serverless runtime: then DATABASE_URL and NEXTCLOUD_URL are required (no disk for the embedded database, no sandbox process). Do not set it yourself.",
  },
  DATA_DIR: {
    schema: z.string().min(1, "must not be empty"),
    default: ".data",
    example: "/var/lib/nextcloud-mcp",
    description: "Folder for the embedded database and generated local secrets (relative to the working directory).",
  },
  LOG_LEVEL: {
    schema: z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }),
    default: "info",
    example: "warn",
    description: "Least severe log level that is printed.",
  },
  LOG_FORMAT: {
    schema: z.enum(["json", "pretty"], { error: "must be json or pretty" }).optional(),
    example: "json",
    description: "Log lines as pino JSON (one object per line, for a log collector) or as pretty text for a person. Unset: pretty under `npm run dev`, JSON otherwise.",
  },
  DOCTOR_ON_START: {
    schema: bool,
    default: "true",
    example: "false",
    description: "Production: once the server answers, run `npm run doctor`'s checks (not the account check) and log a summary with every warning and error.",
  },
  BACKGROUND_JOBS: {
    schema: z.enum(["in-process", "cron", "off"], { error: "must be in-process, cron or off" }),
    default: "in-process",
    example: "cron",
    description:
      "How the background sync of the search index runs: `in-process` (a scheduler in the server; one instance at a time through a database lease), `cron` (only when `GET /api/cron/sync` is called with CRON_SECRET, e.g. by Vercel Cron) or `off` (no background jobs, no index). On Vercel the default is `cron`.",
  },
  CRON_SECRET: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    example: "a-random-string-of-at-least-32-characters",
    description: "Turns on `GET /api/cron/sync` (runs due background jobs) for requests with `Authorization: Bearer <this>`; Vercel Cron sends it. Unset: the endpoint answers 404.",
    secret: true,
  },
  METRICS_TOKEN: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    example: "a-random-string-of-at-least-32-characters",
    description: "Turns on `GET /api/metrics` (Prometheus text: tool calls by tool and outcome, exchange latency, audited events) for requests with `Authorization: Bearer <this>`. Unset: the endpoint answers 404.",
    secret: true,
  },
  TRUST_PROXY: {
    schema: bool,
    default: "false",
    example: "true",
    description: "Honour `X-Forwarded-*` headers (only behind a reverse proxy you control).",
  },

  // ── Identity provider (Flow 1) ────────────────────────────────────────────
  OIDC_ISSUER: {
    schema: optionalHttpUrl,
    example: "https://keycloak.example.com/realms/nextcloud",
    description: "External identity provider (RFC 8693 capable, e.g. Keycloak ≥ 26.2). Unset: the built-in IdP at `${APP_URL}/api/oidc` is used and served.",
  },
  OIDC_CLIENT_ID: {
    schema: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    default: "mcp-server",
    example: "mcp-server",
    description: "This server's own confidential client at the IdP (provisioning and token exchange).",
  },
  OIDC_CLIENT_SECRET: {
    schema: z.string().min(16, "must be at least 16 characters").optional(),
    example: "a-long-random-secret-from-your-idp",
    description: "Secret of `OIDC_CLIENT_ID`. Required with `OIDC_ISSUER`; with the built-in IdP it is generated once and stored encrypted when unset.",
    secret: true,
  },
  OIDC_SIGNING_KEYS: {
    schema: z.string().optional(),
    example: '{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"…","y":"…","d":"…"}]}',
    description: "Built-in IdP signing keys as a private JWK Set (first key signs). Unset: generated once, stored encrypted in the database, rotated with `npm run keys:rotate-signing`.",
    secret: true,
  },
  OIDC_KEY_PUBLISH_AHEAD: {
    schema: seconds(0, 30 * 86_400),
    // user_oidc caches the JWKS for one hour and does not refetch it for an unknown kid: a new key
    // must be in the published JWKS longer than that (plus this server's own Cache-Control) before it signs.
    default: "4500",
    example: "7200",
    description:
      "How long a signing key staged with `npm run keys:rotate-signing -- --stage` is published in the JWKS before the built-in IdP signs with it, in seconds. At least Nextcloud's JWKS cache (one hour in user_oidc) plus a margin.",
  },
  OIDC_COOKIE_KEYS: {
    schema: list.optional(),
    example: "long-random-key-1,long-random-key-2",
    description: "Built-in IdP cookie signing keys, comma-separated (first signs, all verify). Unset: generated once and stored encrypted.",
    secret: true,
  },
  MCP_AUDIENCE: {
    schema: optionalHttpUrl,
    example: "https://mcp.example.com/api/mcp",
    description: "Audience (RFC 8707 resource) of MCP access tokens issued by the built-in IdP. Default: the canonical MCP URL `${APP_URL}/api/mcp`.",
  },
  MCP_AUDIENCES: {
    schema: list.optional(),
    example: "https://mcp.example.com/api/mcp,mcp-server",
    description: "Audiences the token verifier accepts on `/api/mcp`. Default: the canonical MCP URL and `OIDC_CLIENT_ID`.",
  },
  NEXTCLOUD_AUDIENCE: {
    schema: z.string().min(1, "must not be empty"),
    default: "nextcloud",
    example: "nextcloud",
    description: "Audience of Nextcloud tokens (what Nextcloud's `user_oidc` app accepts).",
  },
  NEXTCLOUD_AUTH: {
    schema: z.enum(["bearer", "app-password"], { error: "must be bearer or app-password" }),
    default: "bearer",
    example: "app-password",
    description:
      "How requests reach Nextcloud. `bearer` (preferred): the per-call exchanged token itself; needs Nextcloud's `user_oidc` app trusting the IdP, and Nextcloud sees every call's scopes. `app-password`: for a Nextcloud without OIDC; provisioning adds Nextcloud Login Flow v2 and this server keeps a sealed, unscoped app password, used with Basic auth only after each call's token exchange succeeded; this server enforces the scopes (docs/architecture.md).",
  },
  NEXTCLOUD_LOGIN_CLAIM: {
    schema: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be a claim name").optional(),
    example: "nextcloud_uid",
    description:
      "App-password mode: the account claim that must equal the Nextcloud login name Login Flow v2 returns; a different Nextcloud account is refused (its new app password deleted). Unset: the expected login name is `preferred_username`, and a different one needs the person's explicit confirmation.",
  },
  TEST_LOGIN_FLOW_TTL_SECONDS: {
    schema: seconds(2, 600).optional(),
    example: "6",
    description: "Test-only: how long an app-password Login Flow v2 may wait for the person before it ends as a timeout, in seconds (unset: 600). Refused unless `NODE_ENV=test`.",
  },
  ACCESS_TOKEN_TTL: {
    schema: seconds(10, 86_400),
    default: "600",
    example: "600",
    description: "Lifetime of MCP access tokens issued by the built-in IdP, in seconds.",
  },
  REFRESH_TOKEN_TTL: {
    schema: seconds(300, 31_536_000),
    default: "2592000",
    example: "1209600",
    description: "Lifetime of refresh tokens issued by the built-in IdP (only with `offline_access`), in seconds.",
  },
  EXCHANGE_TOKEN_TTL: {
    schema: seconds(10, 3_600),
    // Nextcloud validates these JWTs offline (user_oidc checks signature and exp, never asks the IdP):
    // a token captured just before revocation stays usable at Nextcloud for its remaining lifetime.
    // 120 s bounds that exposure while leaving room for a slow tool call and small clock drift
    // (Nextcloud allows no exp leeway). docs/nextcloud-setup.md explains the trade-off.
    default: "120",
    example: "60",
    description:
      "Upper bound on the lifetime of exchanged Nextcloud tokens (RFC 8693), in seconds; never past the subject token's expiry. Nextcloud validates them offline, so this is also how long a captured token outlives a revocation.",
  },
  ENABLE_DCR: {
    schema: bool,
    default: "true",
    example: "false",
    description: "Allow dynamic client registration (RFC 7591) at the built-in IdP: the fallback for clients without a Client ID Metadata Document (deprecated by MCP 2026-07-28, kept for older clients).",
  },
  ENABLE_CIMD: {
    schema: bool,
    default: "true",
    example: "false",
    description: "Accept Client ID Metadata Documents (an https URL as `client_id`), the registration MCP 2026-07-28 clients try first.",
  },
  MCP_CLIENT_POLICY: {
    schema: z.enum(["open", "allowlist"], { error: "must be open or allowlist" }),
    default: "open",
    example: "allowlist",
    description: "`open`: pre-registered, dynamically registered and CIMD clients may connect. `allowlist`: only `ALLOWED_MCP_CLIENTS` (empty → every client is refused).",
  },
  ALLOWED_MCP_CLIENTS: {
    schema: list.optional(),
    example: "claude-desktop|http://127.0.0.1/callback,vscode|https://vscode.dev/redirect",
    description: "Pre-registered public MCP clients as `id|redirect-uri` entries (comma-separated; repeat an id for more URIs). Loopback redirect URIs accept any port.",
  },
  ALLOW_DEMO_ACCOUNTS: {
    schema: bool,
    default: "false",
    example: "true",
    description: "Create the demo account on first start in production too (development always does).",
  },
  ENABLE_PROGRESSIVE_CONSENT: {
    schema: bool,
    default: "true",
    example: "false",
    description: "`true`: Nextcloud access is granted separately, when a tool first needs it (Flow 2). `false` (hybrid): the client's consent screen also grants it.",
  },
  TEST_CIMD_ALLOW_LOOPBACK: {
    schema: bool,
    default: "false",
    example: "false",
    description: "Test-only: let the built-in IdP fetch Client ID Metadata Documents from loopback addresses (private and link-local stay refused). Refused unless `NODE_ENV=test`.",
  },
  TEST_CIMD_FETCH_TIMEOUT_MS: {
    schema: z.coerce.number({ error: "must be a number of milliseconds" }).int("must be a whole number of milliseconds").min(100, "must be at least 100").max(5_000, "must be at most 5000").optional(),
    example: "500",
    description: "Test-only: how long the built-in IdP waits for a Client ID Metadata Document (or a client's jwks_uri), in milliseconds (unset: 5000, and oidc-provider's own 2.5 s limit). Refused unless `NODE_ENV=test`.",
  },

  // ── MCP endpoint ──────────────────────────────────────────────────────────
  ALLOWED_ORIGINS: {
    schema: list.optional(),
    example: "https://claude.ai,https://inspector.example.com",
    description: "Browser origins allowed to call `/api/mcp` besides this app's own (DNS-rebinding protection, CORS).",
  },
  MCP_INSECURE_DISABLE_AUTH: {
    schema: bool,
    default: "false",
    example: "false",
    description: "Test-only: serve `/api/mcp` without authentication (conformance tests, benchmarks). Refused unless `NODE_ENV=test`.",
  },

  // ── Nextcloud and secrets (Flow 2) ────────────────────────────────────────
  NEXTCLOUD_URL: {
    schema: optionalHttpUrl,
    example: "https://cloud.example.com",
    description: "Your Nextcloud. Unset: the built-in Nextcloud sandbox (test and demo data) is used.",
  },
  NEXTCLOUD_CAPABILITIES_TTL_SECONDS: {
    schema: seconds(0, 86_400),
    default: "300",
    example: "300",
    description:
      "How long the Nextcloud's capabilities (which apps it has: Notes, Deck, sharing) are trusted before a tool call reads them again; tools of a missing app are left out of `tools/list`. 0: read them on every tool call.",
  },
  SANDBOX_PORT: {
    schema: port,
    default: "3100",
    example: "3100",
    description: "Port of the Nextcloud sandbox on 127.0.0.1, used as the Nextcloud when `NEXTCLOUD_URL` is unset (`npm run sandbox` listens there).",
  },
  TOKEN_ENCRYPTION_KEYS: {
    schema: encryptionKeys.optional(),
    example: "k2026:+LTFVjKJ88hHZaYFujS1LzHTMLSiKItxvUVHjOzzSLQ=,k2025:QSvk7a5u6DMhw0Ps4qHgXJhTRezz8FpZTIxtyEmvcWg=",
    description: "AES-256-GCM keys as `id:base64` (32 bytes), comma-separated; the first encrypts, all decrypt. Unset: a key is generated under `DATA_DIR` (refused in production).",
    secret: true,
  },
  EXCHANGE_CACHE: {
    schema: z.enum(["off", "memory"], { error: "must be off or memory" }),
    default: "off",
    example: "memory",
    description:
      "`memory`: keep exchanged Nextcloud tokens in process memory until they expire; each reuse first checks in the database that the grant is still live, so a revocation at any instance holds at once. `off`: exchange on every call.",
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
