// `npm run config:check`: validates the configuration the way the server will at start-up, in a
// second instead of after a build. `npm start` runs it before `next build` (with NODE_ENV=production),
// so a missing TOKEN_ENCRYPTION_KEYS or a bad URL is reported before 20+ seconds of building.
// Exit 0: fine (warnings may be printed); exit 1: the server would refuse to start.
// --help is answered before the configuration code loads.
import { usageAsked } from "./help";
import { type CliIo, line, processIo } from "./io";

const USAGE = `Usage: npm run config:check
Checks the environment (see .env.example) as the server would at start-up, without starting it.
Set NODE_ENV=production to check a production configuration. Deeper checks (database, IdP,
Nextcloud): npm run doctor.`;

/**
 * `config-check` (argv without node and the script) on io.env (process.env unless given), its output
 * written to `io`: resolves with the exit code (0 fine, 1 the server would refuse to start). Never exits
 * the process; anything but a configuration error is thrown.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (usageAsked(argv)) {
    line(io.stdout)(USAGE);
    return 0;
  }
  const [{ ConfigError, getConfig, loadConfig }, { appUrlPortMismatch }] = await Promise.all([import("../../lib/config"), import("../../lib/config/port-mismatch")]);
  try {
    const config = io.env ? loadConfig(io.env) : getConfig();
    const mismatch = appUrlPortMismatch(config);
    if (mismatch) line(io.stderr)(`[nextcloud-mcp] warning: ${mismatch}`);
    line(io.stdout)(`[nextcloud-mcp] configuration ok (NODE_ENV=${config.NODE_ENV}, APP_URL=${config.APP_URL}).`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    line(io.stderr)(`\n[nextcloud-mcp] cannot start:\n${error.message}\n`);
    return 1;
  }
}
