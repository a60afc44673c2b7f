/**
 * Configuration sanity beyond what loadConfig refuses: what is allowed but
 * wrong for the mode the server runs in (plain http in production, a
 * generated key, the sandbox, test-only switches).
 */
import type { Config } from "@/lib/config";
import { appUrlPortMismatch } from "@/lib/config/port-mismatch";
import { error, ok, warning, type DoctorLine } from "./report";

export function checkConfiguration(config: Config): DoctorLine[] {
  const production = config.NODE_ENV === "production";
  const lines: DoctorLine[] = [];
  const url = new URL(config.APP_URL);
  if (url.protocol === "https:") lines.push(ok("config.app_url", `${config.APP_URL} (https)`));
  else if (production)
    lines.push(error("config.app_url", `${config.APP_URL} is plain http in production`, "Serve the app over https and set APP_URL=https://… (MCP clients and OAuth 2.1 require https outside localhost)."));
  else lines.push(ok("config.app_url", `${config.APP_URL} (http is fine for local development)`));
  const mismatch = appUrlPortMismatch(config);
  if (mismatch) lines.push(warning("config.port", mismatch, "Unset APP_URL, or set PORT to the port APP_URL names."));

  if (config.TOKEN_ENCRYPTION_KEYS) lines.push(ok("config.encryption_keys", `${config.TOKEN_ENCRYPTION_KEYS.length} key(s), encrypting with "${config.TOKEN_ENCRYPTION_KEYS[0]!.id}"`));
  else
    lines.push(
      warning("config.encryption_keys", `TOKEN_ENCRYPTION_KEYS is unset: a key generated under ${config.DATA_DIR} is used`, "Set TOKEN_ENCRYPTION_KEYS (npm run -s keys:show-generated prints the generated one to keep existing data readable)."),
    );

  const testOnly = (["MCP_INSECURE_DISABLE_AUTH", "TEST_CIMD_ALLOW_LOOPBACK", "TEST_CIMD_FETCH_TIMEOUT_MS", "TEST_LOGIN_FLOW_TTL_SECONDS"] as const).filter((name) => config[name] !== undefined && config[name] !== false);
  if (testOnly.length) lines.push(error("config.test_flags", `test-only switch(es) on: ${testOnly.join(", ")}`, `Unset ${testOnly.join(" and ")} (NODE_ENV=test only).`));
  else lines.push(ok("config.test_flags", "no test-only switch is on"));

  if (production && config.ALLOW_DEMO_ACCOUNTS && config.BUILTIN_IDP)
    lines.push(warning("config.demo_accounts", "ALLOW_DEMO_ACCOUNTS=true: a demo account with a printed password may exist in production", "Unset ALLOW_DEMO_ACCOUNTS and disable the demo account (npm run user:disable -- --username demo)."));
  if (!config.DATABASE_URL && production)
    lines.push(warning("config.database", `embedded PGlite in ${config.DATA_DIR} (one process, no pooled backups)`, "Set DATABASE_URL to a PostgreSQL server for production."));
  if (!config.NEXTCLOUD_URL)
    lines.push(
      production
        ? error("config.nextcloud_url", "NEXTCLOUD_URL is unset: the sandbox (test data) stands in for Nextcloud", "Set NEXTCLOUD_URL to your Nextcloud.")
        : warning("config.nextcloud_url", "NEXTCLOUD_URL is unset: the Nextcloud sandbox (test and demo data) is used", "Set NEXTCLOUD_URL to use a real Nextcloud."),
    );
  return lines;
}
