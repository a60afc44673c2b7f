// `npm run keys:rotate [-- --batch-size 100 --pause-ms 0]`: re-encrypts every stored secret under the
// newest encryption key. The command and its documentation live in scripts/cli/keys-rotate.ts (which
// tests call in their own process); this entry runs it for the process and exits with its code.
import { main } from "./cli/keys-rotate";

process.exit(await main(process.argv.slice(2)));
