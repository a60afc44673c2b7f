// `npm run doctor [-- --account NAME] [--json]`: is this deployment able to serve? The command lives
// in scripts/cli/doctor.ts (which tests call in their own process); this entry runs it and exits
// with its code.
import { main } from "./cli/doctor";

process.exit(await main(process.argv.slice(2)));
