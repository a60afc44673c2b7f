// `npm run docs:config`: regenerates .env.example and the README's configuration table. The command
// lives in scripts/cli/config-docs.ts (which tests call in their own process); this entry runs it.
import { main } from "./cli/config-docs";

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
