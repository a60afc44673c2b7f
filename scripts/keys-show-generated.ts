// `npm run keys:show-generated`: development's generated encryption key as a TOKEN_ENCRYPTION_KEYS
// line. The command lives in scripts/cli/keys-show-generated.ts (which tests call in their own
// process); this entry runs it.
import { main } from "./cli/keys-show-generated";

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
