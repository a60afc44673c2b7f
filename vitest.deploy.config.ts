/**
 * The deployment checks (`npm run test:deploy`, run by .ci/run after `npm test`): each builds its
 * own production output (standalone for the container, `vercel build` for Vercel), minutes on a
 * 2-core machine, so they are not part of every `npm test` run.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    name: "deploy",
    include: ["tests/deploy/**/*.test.ts"],
    globalSetup: ["tests/integration/global-setup-postgres.ts"],
    env: { TEST_DB: "postgres" },
    testTimeout: 600_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
  },
});
