/**
 * oidc-provider warns "Unsupported runtime" on Node 20 each time its module
 * is evaluated, and Next.js evaluates it once per compiled route (97 times in
 * one `npm run dev`). The project supports Node 20.18+ and 22+ (package.json
 * engines; CI runs Node 20.20): the warning is worth reading once, not 97
 * times. Repeats of the same oidc-provider warning are dropped; every other
 * console output is untouched. Installed from instrumentation.ts before any
 * module imports oidc-provider; process-wide, so installed once.
 */
import { processWide } from "@/lib/process-wide";

const PREFIX = "oidc-provider WARNING:";

export function printLibraryWarningsOnce(): void {
  processWide("library-warnings-once", () => {
    const seen = new Set<string>();
    const original = console.warn.bind(console);
    console.warn = (...args: unknown[]) => {
      const first = typeof args[0] === "string" ? args[0] : "";
      // Strip terminal colour codes before comparing (the library colours the text on a TTY).
      const text = first.replace(/\x1b\[[0-9;]*m/g, "");
      if (text.startsWith(PREFIX)) {
        if (seen.has(text)) return;
        seen.add(text);
      }
      original(...args);
    };
    return true;
  });
}
