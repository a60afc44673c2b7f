import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./tests/helpers/slow-first-sequencer";

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
    // As for the unit tests: one import of the test helpers and lib per worker (13 in-process
    // files in one worker: imports 29 s → 14 s, CPU 43 s → 19 s), and file-isolation.ts restores
    // the environment and the process-wide singletons a file changed. State a file leaves must
    // therefore be process-wide (lib/process-wide.ts) and re-created once forgotten: see
    // tests/integration/shared-worker-state (the IdP's in-process transport, registered only at
    // import, was gone in a worker's second file and broke idp-exchange-in-process; audit rows
    // went to whatever database was open when they were written, not when they were recorded).
    // Forks (vitest's default): each worker a process of its own, as these files expect when they
    // change process.env and spawn servers and CLI commands; threads were not tried for them.
    pool: "forks",
    isolate: false,
    setupFiles: ["tests/helpers/file-isolation.ts"],
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
    // The files known to be slow start first (a clean clone has no duration cache): see the sequencer.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
