import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

// Every integration suite runs on the embedded database (PGlite). The suites
// whose behaviour depends on the database (storage, queries, locks,
// migrations, several processes on one database) run on the PostgreSQL server
// too (TEST_DB selects; see tests/helpers/databases.ts). The rest (protocol,
// pages, tools, sandbox) reach the database only through the code that these
// suites cover, so a second run would repeat the same paths at twice the cost.
const DATABASE_DEPENDENT = [
  "accounts-authenticate",
  "accounts-cli",
  "accounts-demo",
  "app",
  "audit-events",
  "dashboard-data",
  "grant-cache-two-instances",
  "grant-store-basics",
  "grant-store-refresh",
  "grant-store-rotation",
  "idp-exchange-grant-cache",
  "idp-exchange-grant-lookup",
  "idp-persistence",
  "keys-rotate",
  "migrations",
  "provisioning-link",
  "search-index",
].map((name) => `tests/integration/${name}.test.ts`);

const integration = (db: "pglite" | "postgres") => ({
  resolve: { alias },
  test: {
    name: `integration-${db}`,
    include: db === "pglite" ? ["tests/integration/**/*.test.ts"] : DATABASE_DEPENDENT,
    env: { TEST_DB: db },
    globalSetup: [`tests/integration/global-setup-${db}.ts`],
    // Ceilings, not expectations: some tests restart the app or run the CLI
    // several times, which takes minutes on a loaded 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], testTimeout: 20_000 } },
      integration("pglite"),
      integration("postgres"),
    ],
    // One worker per core the machine offers (2 on the reference machine): integration files mostly
    // wait on the servers they start, but those servers need the same cores.
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});
