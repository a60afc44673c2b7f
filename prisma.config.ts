// Prisma CLI configuration. Prisma 6.19 runs its WebAssembly schema engine
// through a driver adapter, so no engine binary is downloaded (stack-notes).
// The CLI only needs a database for `migrate diff --from-migrations`; an
// in-memory PGlite serves that. The app applies migrations itself (lib/db).
import path from "node:path";
import { defineConfig } from "prisma/config";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    // Same cast as lib/db/open-pglite.ts: adapter-utils 6.10 vs 6.19 types.
    return new PrismaPGlite(new PGlite()) as unknown as SqlMigrationAwareDriverAdapterFactory;
  },
});
