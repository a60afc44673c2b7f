/**
 * For integration tests that call lib/ repositories in the test process: a
 * fresh database of the suite's kind (PGlite or PostgreSQL), opened through
 * the application's own lib/db (migrations included), with a fixed test
 * encryption key ring. Vitest runs each test file in its own process, so the
 * environment set here stays within the file.
 */
import { closeDatabase, db, type PrismaClient } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "./databases";

/** Two fixed test keys (32 bytes each): "new" encrypts, "old" still decrypts. */
export const TEST_KEY_NEW = "new:bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=";
export const TEST_KEY_OLD = "old:b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleSE=";

export interface InProcessDatabase {
  database: TestDatabase;
  prisma: PrismaClient;
  close(): Promise<void>;
}

function forgetCachedConfig(): void {
  const holder = globalThis as Record<symbol, unknown>;
  delete holder[Symbol.for("nextcloud-mcp.config")];
  delete holder[Symbol.for("nextcloud-mcp.key-ring")];
}

export async function openInProcessDatabase(env: Record<string, string> = {}): Promise<InProcessDatabase> {
  const database = await createTestDatabase();
  Object.assign(process.env, { TOKEN_ENCRYPTION_KEYS: `${TEST_KEY_NEW},${TEST_KEY_OLD}` }, database.env, env);
  forgetCachedConfig();
  const prisma = await db();
  return {
    database,
    prisma,
    async close() {
      await closeDatabase();
      await database.drop();
    },
  };
}

/** Switches the process's key ring (e.g. to prove which keys a ciphertext needs). */
export function useEncryptionKeys(keys: string): void {
  process.env.TOKEN_ENCRYPTION_KEYS = keys;
  forgetCachedConfig();
}
