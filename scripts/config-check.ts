// `npm run config:check`: the configuration checked as the server would at start-up. The command
// lives in scripts/cli/config-check.ts (which tests call in their own process); this entry runs it.
import { main } from "./cli/config-check";

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
