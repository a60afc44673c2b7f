export async function register() {
  // NEXT_RUNTIME is a build-time constant set by Next.js (not configuration):
  // the branch keeps Node-only start-up code out of any edge bundle.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Before anything imports oidc-provider (its runtime warning would otherwise repeat per route).
    const { printLibraryWarningsOnce } = await import("@/lib/server/runtime-notices");
    printLibraryWarningsOnce();
    const { startServer } = await import("@/lib/server/start-server");
    await startServer();
  }
}
