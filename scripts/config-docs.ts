// Regenerates .env.example and the README's configuration table from lib/config/variables.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run docs:config
Regenerates .env.example and the README's configuration table from lib/config/variables.ts
(run it after adding or changing a variable, and commit both files).`);

const { renderEnvExample, replaceReadmeTable } = await import("../lib/config/docs"); // after --help: it loads every variable's schema
writeFileSync(".env.example", renderEnvExample());
writeFileSync("README.md", replaceReadmeTable(readFileSync("README.md", "utf8")));
console.log("Wrote .env.example and the README configuration table.");
