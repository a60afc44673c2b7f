import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

// Integration suites run twice: once on the embedded database (PGlite) and
// once on the PostgreSQL server (TEST_DB selects; see tests/helpers/databases.ts).
const integration = (db: "pglite" | "postgres") => ({
  resolve: { alias },
  test: {
    name: `integration-${db}`,
    include: ["tests/integration/**/*.test.ts"],
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
    maxWorkers: 2,
  },
});
