/**
 * For integration tests that call lib/ code in the test process (no app
 * server): a fresh database of the suite's kind (PGlite or PostgreSQL, see
 * TEST_DB), opened through the application's own lib/db (migrations
 * included), with a fixed test encryption key ring. The environment this sets
 * (and the per-process config caches built from it) is put back on close, so
 * nothing leaks into whatever runs after it in the same process.
 *
 *   const h = await openInProcessDatabase({ APP_URL: "…" });   // in beforeAll; h.close() in afterAll
 *   useInProcessDatabase({ APP_URL: "…" });                      // or: the same hooks registered for you
 */
import { afterAll, beforeAll } from "vitest";
import { flushAuditEvents } from "@/lib/audit/record-audit-event";
import { closeDatabase, db, type PrismaClient } from "@/lib/db";
import { peekProcessWide } from "@/lib/process-wide";
import { createTestDatabase, type TestDatabase } from "./databases";

/** Two fixed test keys (32 bytes each): "new" encrypts, "old" still decrypts. */
export const TEST_KEY_NEW = "new:bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=";
export const TEST_KEY_OLD = "old:b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleSE=";

export interface InProcessDatabase {
  database: TestDatabase;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** lib/config and the key ring are cached per process; drop them so the next read sees process.env. */
function forgetCachedConfig(): void {
  const holder = globalThis as Record<symbol, unknown>;
  delete holder[Symbol.for("nextcloud-mcp.config")];
  delete holder[Symbol.for("nextcloud-mcp.key-ring")];
}

/** Sets `env` in process.env; returns what puts the previous values back. */
function applyEnv(env: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Opens a fresh database and points this process's configuration at it.
 * `env` is applied last (e.g. APP_URL, or TOKEN_ENCRYPTION_KEYS to start with
 * another key ring). DATABASE_URL / DATA_DIR of the other kind are blanked.
 */
export async function openInProcessDatabase(env: Record<string, string> = {}): Promise<InProcessDatabase> {
  // A database still open in this process (left by an earlier file in this worker, or opened by lib/ code
  // with another environment) would be what db() hands out below: closed first, its audit rows written.
  if (peekProcessWide("db")) {
    await flushAuditEvents();
    await closeDatabase();
  }
  const database = await createTestDatabase();
  const restoreEnv = applyEnv({ NODE_ENV: "test", TOKEN_ENCRYPTION_KEYS: `${TEST_KEY_NEW},${TEST_KEY_OLD}`, DATABASE_URL: "", DATA_DIR: "", ...database.env, ...env });
  forgetCachedConfig();
  const prisma = await db();
  return {
    database,
    prisma,
    async close() {
      // Audit rows wait up to LINGER_MS to share one INSERT: written now, or a late flush would open the
      // database again while its folder is being removed (ENOTEMPTY from bench-search, 1 run in 4).
      await flushAuditEvents();
      await closeDatabase();
      restoreEnv();
      forgetCachedConfig();
      await database.drop();
    },
  };
}

/** openInProcessDatabase as beforeAll / afterAll hooks of the calling test file. */
export function useInProcessDatabase(env: Record<string, string> = {}): { current(): InProcessDatabase } {
  let opened: InProcessDatabase | undefined;
  beforeAll(async () => {
    opened = await openInProcessDatabase(env);
  });
  afterAll(async () => {
    await opened?.close();
  });
  return {
    current() {
      if (!opened) throw new Error("useInProcessDatabase: the database is opened in beforeAll");
      return opened;
    },
  };
}

/** Switches the process's key ring (e.g. to prove which keys a ciphertext needs). */
export function useEncryptionKeys(keys: string): void {
  process.env.TOKEN_ENCRYPTION_KEYS = keys;
  forgetCachedConfig();
}
