// `npm run config:check`: validates the configuration the way the server will at start-up, in a
// second instead of after a build. `npm start` runs it before `next build` (with NODE_ENV=production),
// so a missing TOKEN_ENCRYPTION_KEYS or a bad URL is reported before 20+ seconds of building.
// Exit 0: fine (warnings may be printed); exit 1: the server would refuse to start.
// --help is answered before the configuration code loads.
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run config:check
Checks the environment (see .env.example) as the server would at start-up, without starting it.
Set NODE_ENV=production to check a production configuration. Deeper checks (database, IdP,
Nextcloud): npm run doctor.`);

const [{ ConfigError, getConfig }, { appUrlPortMismatch }] = await Promise.all([import("../lib/config"), import("../lib/config/port-mismatch")]);
try {
  const config = getConfig();
  const mismatch = appUrlPortMismatch(config);
  if (mismatch) console.warn(`[nextcloud-mcp] warning: ${mismatch}`);
  console.log(`[nextcloud-mcp] configuration ok (NODE_ENV=${config.NODE_ENV}, APP_URL=${config.APP_URL}).`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`\n[nextcloud-mcp] cannot start:\n${error.message}\n`);
  process.exit(1);
}
