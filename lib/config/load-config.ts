import { z } from "zod";
import { variables, type VariableName, type VariableSpec } from "./variables";

type Parsed<K extends VariableName> = z.output<(typeof variables)[K]["schema"]>;
type RawConfig = { [K in VariableName]: Parsed<K> };

/** The parsed variables, with derived defaults filled in, plus derived values. */
export type Config = Readonly<
  Omit<RawConfig, "MCP_AUDIENCE" | "MCP_AUDIENCES"> & {
    MCP_AUDIENCE: string;
    MCP_AUDIENCES: string[];
    /** The canonical MCP resource URL, `${APP_URL}/api/mcp` (RFC 9728 `resource`). */
    MCP_URL: string;
    /** The issuer MCP clients and Nextcloud trust: OIDC_ISSUER, or the built-in IdP's. */
    ISSUER: string;
    /** True when no external IdP is configured: the built-in one is served. */
    BUILTIN_IDP: boolean;
  }
>;

type Problem = { variable: string; problem: string; example: string };

/** Rules that involve more than one variable. */
function crossChecks(c: RawConfig): Problem[] {
  const problems: Problem[] = [];
  if (c.MCP_INSECURE_DISABLE_AUTH && c.NODE_ENV !== "test") {
    problems.push({ variable: "MCP_INSECURE_DISABLE_AUTH", problem: "is only allowed with NODE_ENV=test (it turns authentication off)", example: "false" });
  }
  if (c.TEST_CIMD_ALLOW_LOOPBACK && c.NODE_ENV !== "test") {
    problems.push({ variable: "TEST_CIMD_ALLOW_LOOPBACK", problem: "is only allowed with NODE_ENV=test (it weakens the SSRF guard)", example: "false" });
  }
  if (c.TEST_CIMD_FETCH_TIMEOUT_MS !== undefined && c.NODE_ENV !== "test") {
    problems.push({ variable: "TEST_CIMD_FETCH_TIMEOUT_MS", problem: "is only allowed with NODE_ENV=test (the IdP keeps its fixed fetch limit)", example: "" });
  }
  if (c.TEST_LOGIN_FLOW_TTL_SECONDS !== undefined && c.NODE_ENV !== "test") {
    problems.push({ variable: "TEST_LOGIN_FLOW_TTL_SECONDS", problem: "is only allowed with NODE_ENV=test (Login Flow v2 keeps its fixed 10-minute limit)", example: "" });
  }
  if (c.OIDC_ISSUER && !c.OIDC_CLIENT_SECRET) {
    problems.push({ variable: "OIDC_CLIENT_SECRET", problem: "is required when OIDC_ISSUER is set (this server's client secret at that IdP)", example: variables.OIDC_CLIENT_SECRET.example });
  }
  // A serverless runtime has no writable disk that outlives a request and runs no second process:
  // the embedded database and the sandbox cannot work there (they would fail later, obscurely).
  if (c.VERCEL && !c.DATABASE_URL) {
    problems.push({ variable: "DATABASE_URL", problem: "is required on Vercel (no disk for the embedded database): connect a PostgreSQL store (its pooled URL)", example: variables.DATABASE_URL.example });
  }
  if (c.VERCEL && !c.NEXTCLOUD_URL) {
    problems.push({ variable: "NEXTCLOUD_URL", problem: "is required on Vercel (the Nextcloud sandbox cannot run there)", example: "https://cloud.example.com" });
  }
  if (c.NODE_ENV === "production" && !c.TOKEN_ENCRYPTION_KEYS) {
    problems.push({
      variable: "TOKEN_ENCRYPTION_KEYS",
      problem: "is required in production (stored refresh tokens and keys are encrypted with it; generate one with `openssl rand -base64 32`)",
      example: "k1:$(openssl rand -base64 32)",
    });
  }
  return problems;
}

/**
 * Defaults that depend on another variable. APP_URL follows PORT: with
 * `PORT=4000` alone, the server must advertise http://localhost:4000 (its
 * issuer, resource and redirect URLs), or sign-in fails against a port
 * nothing listens on.
 */
function derivedDefaults(env: Record<string, string | undefined>): Partial<Record<VariableName, string>> {
  const derived: Partial<Record<VariableName, string>> = {};
  const port = env.PORT?.trim();
  if (port && /^\d{1,5}$/.test(port)) derived.APP_URL = `http://localhost:${port}`;
  if (env.VERCEL === "1" || env.VERCEL === "true") {
    // Serverless: many instances, each with its own pool, against one database.
    derived.DATABASE_POOL_MAX = "3";
    // No process outlives a request: background jobs run from Vercel Cron (vercel.json, CRON_SECRET).
    derived.BACKGROUND_JOBS = "cron";
    // Vercel's system variables (host names without a scheme): the production domain, or this
    // preview deployment's own URL, so the Deploy button need not ask for APP_URL.
    const host = env.VERCEL_ENV === "preview" ? env.VERCEL_URL : env.VERCEL_PROJECT_PRODUCTION_URL;
    if (host && /^[a-z0-9.-]+$/i.test(host)) derived.APP_URL = `https://${host}`;
    // The Neon store of the Deploy button sets DATABASE_URL (pooled) and DATABASE_URL_UNPOOLED.
    if (env.DATABASE_URL_UNPOOLED) derived.DATABASE_DIRECT_URL = env.DATABASE_URL_UNPOOLED;
  }
  return derived;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(
      [
        `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p.variable} ${p.problem}. Example: ${p.variable}=${p.example}`),
        "Set these environment variables (see .env.example) and start again.",
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment into a typed, frozen Config. Pure: pass any record
 * (tests do); the application calls it once through getConfig().
 * Empty strings count as unset, so `FOO=` in an env file means "default".
 * Values are never echoed in errors: some are secrets.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  const derived = derivedDefaults(env);
  for (const [name, spec] of Object.entries(variables) as [VariableName, VariableSpec][]) {
    const raw = env[name] === undefined || env[name]!.trim() === "" ? derived[name] : env[name];
    const value = raw === undefined || raw.trim() === "" ? spec.default : raw.trim();
    const result = spec.schema.safeParse(value);
    if (result.success) {
      out[name] = result.data;
    } else {
      const issue = result.error.issues[0];
      const problem = value === undefined ? "is required but not set" : (issue?.message ?? "is invalid");
      problems.push({ variable: name, problem: value === undefined ? problem : `is invalid: ${problem}`, example: spec.example });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const raw = out as RawConfig;
  const cross = crossChecks(raw);
  if (cross.length > 0) throw new ConfigError(cross);
  const MCP_URL = `${raw.APP_URL}/api/mcp`;
  return Object.freeze({
    ...raw,
    MCP_URL,
    MCP_AUDIENCE: raw.MCP_AUDIENCE ?? MCP_URL,
    MCP_AUDIENCES: raw.MCP_AUDIENCES ?? [raw.MCP_AUDIENCE ?? MCP_URL, raw.OIDC_CLIENT_ID],
    ISSUER: raw.OIDC_ISSUER ?? `${raw.APP_URL}/api/oidc`,
    BUILTIN_IDP: !raw.OIDC_ISSUER,
  });
}
