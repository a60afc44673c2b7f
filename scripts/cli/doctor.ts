// `npm run doctor [-- --account NAME] [--json]`: is this deployment able to serve? One line per
// check (ok / warning / error, with the fix): configuration, database, IdP discovery and JWKS,
// Nextcloud (reachable, version, apps, user_oidc) and, only with --account, whether Nextcloud's
// OCS, WebDAV and Notes accept a short-lived token this server obtains for that account.
// Exit 0 without errors (warnings allowed), 1 with any error, 2 for bad arguments.
// The checks (and with them the database layer) are imported after the arguments are read: --help
// and a bad argument are answered without loading them.
import { parseArgs } from "node:util";
import { usageAsked } from "./help";
import { type CliIo, line, processIo } from "./io";

const USAGE = `Usage: npm run doctor -- [--account NAME] [--json]
Checks the configuration, the database, the IdP (discovery, JWKS, token exchange) and Nextcloud
(reachable, version 30+, enabled apps, user_oidc). With --account NAME (an account that provisioned
Nextcloud) it also obtains a short-lived token for that account and checks that OCS, WebDAV and
Notes accept it. The built-in IdP is served by the app: run the doctor while the app runs.
Exit code: 0 without errors, 1 with errors.`;

/**
 * `doctor [--account NAME] [--json]` (argv without node and the script), the report written to
 * io.stdout: resolves with the exit code (0 no errors, 1 errors, 2 bad arguments). Never exits the
 * process. While the checks run, console.log and console.info go to stderr (stdout carries the
 * report only); they are put back when the report is written.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (usageAsked(argv)) {
    line(io.stdout)(USAGE);
    return 0;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { account: { type: "string" }, json: { type: "boolean", default: false } }, strict: true, allowPositionals: false }));
  } catch {
    line(io.stderr)(`The arguments could not be read.\n${USAGE}`);
    return 2;
  }
  // stdout carries the report only (--json is read by programs): the app's own log lines go to stderr.
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  try {
    const [{ closeDatabase }, { formatReport }, { runDoctor }] = await Promise.all([import("../../lib/db"), import("../../lib/doctor/report"), import("../../lib/doctor/run-doctor")]);
    const report = await runDoctor({ account: values.account });
    line(io.stdout)(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    await closeDatabase().catch(() => {});
    return report.status === "error" ? 1 : 0;
  } finally {
    console.log = log;
    console.info = info;
  }
}
