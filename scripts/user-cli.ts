// `npm run user:add | user:list | user:passwd | user:disable | user:enable`: local accounts of the
// built-in identity provider, from a terminal. The commands live in scripts/cli/user-cli.ts (which
// tests call in their own process); this entry runs them for the process and sets its exit code.
import { main } from "./cli/user-cli";

const code = await main(process.argv.slice(2));
// A success ends when the work is done, as before; a refusal exits at once.
if (code !== 0) process.exit(code);
