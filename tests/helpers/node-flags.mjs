/**
 * V8 flags for the Node processes tests start and stop within seconds (the app, the CLIs).
 *
 * `--liftoff-only`: WebAssembly (PGlite's PostgreSQL) runs on V8's baseline compiler and is never
 * recompiled by the optimizing one, which costs CPU in background threads that a process living a few
 * seconds never earns back. Same code, same behaviour; only how V8 compiles it. Measured on the 2-core
 * reference machine (2026-12-07): CPU of a `next start` on a fresh data folder until /api/health
 * answers 2.24 → 1.60 s (3 runs each), a PGlite open + close 1.2 → 0.7 s; idp-registration, mcp-calendar-tools,
 * accounts-cli and keys-rotate-signing-cli together 115.3 → 98.7 CPU-s, 68.0 → 59.2 s; the whole `vitest run`
 * (with, without, with) 436.6 / 503.8 / 426.9 s and 726 / 859 / 710 CPU-s (docs/performance.md, "Where the test
 * suite's CPU goes").
 * Not for `npm run dev` (dev-server-restart runs it as a person does) nor the browser tests' server, which
 * serves for minutes (tests/e2e/serve.mjs gives it only to its account seeding).
 *
 * Plain JavaScript so tests/e2e/serve.mjs (node without tsx) shares it; types in node-flags.d.mts.
 */
export const SHORT_LIVED_NODE_FLAGS = Object.freeze(["--liftoff-only"]);
