// `npm run keys:rotate-signing`: signing-key rotation of the built-in IdP. The command lives in
// scripts/cli/keys-rotate-signing.ts (which tests call in their own process); this entry runs it
// for the process and exits with its code.
import { main } from "./cli/keys-rotate-signing";

process.exit(await main(process.argv.slice(2)));
