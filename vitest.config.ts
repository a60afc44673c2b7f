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
    // Each file in a fresh module graph (isolate, vitest's default), unlike the unit tests: sharing
    // a worker's modules saved ~1.5 s of imports per file here, but state outside the process-wide
    // singletons (module-level state of lib and the helpers) leaked between files in one full run:
    // idp-exchange-in-process found none of its audit rows after other files had run in its worker
    // (it passes alone and after its neighbours). A per-file reset cannot promise to catch that.
    // Ceilings, not expectations: some tests restart the app or run the CLI
    // several times, which takes minutes on a loaded 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          testTimeout: 20_000,
          // Key generation in a beforeAll (RSA 2048 and friends) takes seconds on a loaded 2-core machine.
          hookTimeout: 60_000,
          // Modules are imported once per worker, not once per file (import was 58 % of the unit run's
          // time); file-isolation.ts puts back what a file changes for the process (env, singletons, spies).
          pool: "threads",
          isolate: false,
          setupFiles: ["tests/helpers/file-isolation.ts"],
        },
      },
      integration("pglite"),
      integration("postgres"),
    ],
    // One worker per core the machine offers (2 on the reference machine): integration files mostly
    // wait on the servers they start, but those servers need the same cores.
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});
