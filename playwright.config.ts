import os from "node:os";
import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/helpers/chromium.mjs";

// Debian's chromium-headless-shell, never a downloaded browser: tests/helpers/chromium.mjs.
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  // Spec files may run side by side (each has its own accounts: tests/e2e/e2e-users.ts), the tests of
  // one file in order. One worker (Chromium, axe and the server) keeps two cores busy: on the 2-core
  // reference machine two workers took as long as one (352 s vs 348 s), so one worker per two cores.
  fullyParallel: false,
  workers: Math.max(1, Math.min(4, Math.floor(os.availableParallelism() / 2))),
  retries: 0,
  reporter: [["list"]],
  // A ceiling, not an expectation: two workers share the cores with the server (and, on a busy machine, with more).
  timeout: 60_000,
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: [...chromiumArgs],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: `node tests/e2e/serve.mjs ${port}`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    // A ceiling for start-up (accounts, then `next start`); E2E_SERVER_TIMEOUT_MS raises it on a crowded machine.
    timeout: Number(process.env.E2E_SERVER_TIMEOUT_MS ?? 120_000),
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM first, so serve.mjs stops the app and removes its temporary data folder (SIGKILL after 10 s).
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
