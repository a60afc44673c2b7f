/**
 * For integration tests that call lib/ functions directly (no app server):
 * points this test process's configuration at a fresh throw-away database of
 * the project's kind (TEST_DB) and resets the per-process caches, then drops
 * it afterwards. Call once per test file:
 *
 *   const testDb = useInProcessDatabase();            // registers beforeAll/afterAll
 *   it("…", async () => { const prisma = await db(); … });
 */
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, testDbKind, type TestDatabase } from "./databases";

const CONFIG_KEY = Symbol.for("nextcloud-mcp.config");
const KEY_RING_KEY = Symbol.for("nextcloud-mcp.key-ring");
const DB_KEY = Symbol.for("nextcloud-mcp.db");

export const TEST_KEY = `test1:${Buffer.from("test-key-test-key-test-key-32byt").toString("base64")}`;

export function resetProcessCaches(): void {
  const g = globalThis as Record<symbol, unknown>;
  delete g[CONFIG_KEY];
  delete g[KEY_RING_KEY];
}

export function useInProcessDatabase(extraEnv: Record<string, string> = {}): { current(): TestDatabase } {
  let database: TestDatabase | undefined;
  const saved = new Map<string, string | undefined>();
  beforeAll(async () => {
    database = await createTestDatabase(testDbKind());
    const env = { NODE_ENV: "test", TOKEN_ENCRYPTION_KEYS: TEST_KEY, DATABASE_URL: "", DATA_DIR: "", ...database.env, ...extraEnv };
    for (const [k, v] of Object.entries(env)) {
      saved.set(k, process.env[k]);
      process.env[k] = v;
    }
    resetProcessCaches();
  });
  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    delete (globalThis as Record<symbol, unknown>)[DB_KEY];
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetProcessCaches();
    await database?.drop();
  });
  return {
    current() {
      if (!database) throw new Error("useInProcessDatabase: the database is created in beforeAll");
      return database;
    },
  };
}
