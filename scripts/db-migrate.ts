// `npm run db:migrate`: applies pending migrations to the configured database. The command lives in
// scripts/cli/db-migrate.ts (which tests call in their own process); this entry runs it.
import { main } from "./cli/db-migrate";

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
