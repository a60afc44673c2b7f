// Regenerates .env.example and the README's configuration table from lib/config/variables.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { usageAsked } from "./help";
import { type CliIo, line, processIo } from "./io";

const USAGE = `Usage: npm run docs:config
Regenerates .env.example and the README's configuration table from lib/config/variables.ts
(run it after adding or changing a variable, and commit both files).`;

/** `config-docs` (argv without node and the script), its output written to `io`: resolves with the exit code. Never exits the process. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (usageAsked(argv)) {
    line(io.stdout)(USAGE);
    return 0;
  }
  const { renderEnvExample, replaceReadmeTable } = await import("../../lib/config/docs"); // after --help: it loads every variable's schema
  writeFileSync(".env.example", renderEnvExample());
  writeFileSync("README.md", replaceReadmeTable(readFileSync("README.md", "utf8")));
  line(io.stdout)("Wrote .env.example and the README configuration table.");
  return 0;
}
