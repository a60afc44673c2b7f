/**
 * At production start-up: once the server answers on APP_URL (the built-in
 * IdP is part of it), run the doctor without the account check and log a
 * summary line plus each warning and error, so an operator reading the log
 * of a fresh deployment sees what is wrong without running anything.
 * Never blocks the start and never stops the server.
 */
import type { Config } from "@/lib/config";
import { log } from "@/lib/log";
import { reasonOf, summaryLine } from "./report";
import { runDoctor } from "./run-doctor";

const WAIT_MS = 60_000;
const POLL_MS = 500;

async function waitForServer(appUrl: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${appUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
    }
  }
}

export function scheduleStartupDoctor(config: Config): void {
  if (config.NODE_ENV !== "production" || !config.DOCTOR_ON_START) return;
  void (async () => {
    await waitForServer(config.APP_URL);
    const report = await runDoctor({ inServer: true });
    const line = `${summaryLine(report)} (npm run doctor for the full report)`;
    if (report.status === "ok") log.info(line);
    else log.warn(line);
    for (const l of report.lines) {
      if (l.status === "ok") continue;
      (l.status === "error" ? log.error : log.warn)(`doctor: ${l.check}: ${l.detail}`, { fix: l.fix });
    }
  })().catch((cause: unknown) => log.warn("doctor at start-up could not run", { reason: reasonOf(cause) }));
}
