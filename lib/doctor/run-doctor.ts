/**
 * `npm run doctor`, the production start-up summary and the admin page all
 * run this: configuration, database, IdP, Nextcloud, and — only when an
 * account is named — whether Nextcloud accepts this server's tokens.
 * Configuration problems that stop the server (ConfigError) are reported as
 * lines too, and the checks that need a valid configuration are skipped.
 */
import { ConfigError, getConfig, type Config } from "@/lib/config";
import { checkAccount } from "./check-account";
import { checkConfiguration } from "./check-configuration";
import { checkDatabase } from "./check-database";
import { checkIdp } from "./check-idp";
import { checkNextcloud } from "./check-nextcloud";
import { error, reasonOf, toReport, type DoctorLine, type DoctorReport } from "./report";

export interface DoctorOptions {
  /** Username for the token check (admins only: it mints a token for that person). */
  account?: string;
  /** Inside the running server: use its open database. */
  inServer?: boolean;
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  let config: Config;
  try {
    config = getConfig();
  } catch (cause) {
    if (!(cause instanceof ConfigError)) throw cause;
    return toReport(
      cause.problems.map((p) => error(`config.${p.variable.toLowerCase()}`, `${p.variable} ${p.problem}`, `Set ${p.variable} (example: ${p.variable}=${p.example}); see .env.example.`)),
    );
  }
  const lines: DoctorLine[] = [...checkConfiguration(config)];
  const guarded = async (check: string, run: () => Promise<DoctorLine[]>): Promise<DoctorLine[]> => {
    try {
      return await run();
    } catch (cause) {
      return [error(check, `the check failed: ${reasonOf(cause)}`, "See the reason.")];
    }
  };
  const [database, idp, nextcloud] = await Promise.all([
    guarded("database", () => checkDatabase(config, { inServer: options.inServer ?? false })),
    guarded("idp", () => checkIdp(config)),
    guarded("nextcloud", async () => (await checkNextcloud(config)).lines),
  ]);
  lines.push(...database, ...idp, ...nextcloud);
  const databaseUsable = database.some((l) => l.check === "database" && l.status === "ok");
  if (options.account !== undefined) {
    lines.push(
      ...(databaseUsable
        ? await guarded("account", () => checkAccount(config, options.account!))
        : [error("account", "not checked: the database is not usable", "Fix the database lines first.")]),
    );
  }
  return toReport(lines);
}
