// Regenerates .env.example and the README's configuration table from lib/config/variables.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { renderEnvExample, replaceReadmeTable } from "../lib/config/docs";

writeFileSync(".env.example", renderEnvExample());
writeFileSync("README.md", replaceReadmeTable(readFileSync("README.md", "utf8")));
console.log("Wrote .env.example and the README configuration table.");
