// `npm run keys:rotate [-- --batch-size 100 --pause-ms 0]`
//
// Re-encrypts every stored secret under the newest encryption key (the first
// entry of TOKEN_ENCRYPTION_KEYS). Rotating a key:
//   1. Generate one: `openssl rand -base64 32`, and put it FIRST:
//      TOKEN_ENCRYPTION_KEYS=k2026:<new>,k2025:<old>
//   2. Restart the app with that setting (new secrets use the new key, old ones still decrypt).
//   3. Run this command (PostgreSQL: while the app runs; embedded PGlite: with the app stopped,
//      PGlite admits one process).
//   4. Once it reports nothing left under the old key, drop the old key from the setting.
//
// What it covers, and the storage convention other modules follow:
//   - nextcloud_grants.encrypted_refresh_token, provisioning_sessions.encrypted_verifier and
//     provisioning_requests.sealed
//     (contexts from lib/provisioning/secret-contexts.ts);
//   - instance_settings whose value is JSON { "sealed": "<compact JWE from lib/crypto/envelope>",
//     "context"?: "<envelope context>" }; without "context" the setting's key is the context
//     (lib/idp/sealed-settings.ts stores IdP secrets that way). Any module that stores a secret
//     in instance_settings must use this shape, or this command cannot rotate it.
//
// Each row is updated on its own, compared against its old ciphertext, so an interrupted run
// leaves every secret decryptable with the configured keys; run it again to finish.
//
// The configuration, the key ring and the database layer (Prisma, the drivers) are imported once the
// arguments are read: --help and a bad value are answered without loading them.
import type { TableReport } from "../../lib/provisioning/reencrypt-secrets";
import { type CliIo, line, parseFlags, processIo } from "./io";

const USAGE = "Usage: npm run keys:rotate -- [--batch-size 100] [--pause-ms 0]";

/** The value, or undefined once the refusal is written. */
function positiveInt(name: string, raw: string, min: number, error: (text: string) => void): number | undefined {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    error(`--${name} must be a whole number ≥ ${min}, got ${raw}\n${USAGE}`);
    return undefined;
  }
  return value;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const log = line(io.stdout);
  const error = line(io.stderr);
  const values = parseFlags(argv, { "batch-size": { type: "string", default: "100" }, "pause-ms": { type: "string", default: "0" }, help: { type: "boolean", default: false } }, USAGE, io);
  if (typeof values === "number") return values;
  const batchSize = positiveInt("batch-size", values["batch-size"], 1, error);
  if (batchSize === undefined) return 2;
  const pauseMs = positiveInt("pause-ms", values["pause-ms"], 0, error);
  if (pauseMs === undefined) return 2;

  const [{ getConfig }, { getKeyRing }, { DatabaseInUseError }] = await Promise.all([import("../../lib/config"), import("../../lib/crypto/key-ring"), import("../../lib/db/directory-lock")]);
  const config = getConfig();
  const ring = getKeyRing();
  if (!config.TOKEN_ENCRYPTION_KEYS) error(`TOKEN_ENCRYPTION_KEYS is not set: using the generated key file in ${config.DATA_DIR}.`);

  const { closeDatabase, getDatabase } = await import("../../lib/db");
  const { reencryptSecrets } = await import("../../lib/provisioning/reencrypt-secrets");
  let database;
  try {
    database = await getDatabase();
  } catch (openError) {
    if (openError instanceof DatabaseInUseError) {
      error(`keys:rotate did not run: ${openError.message}`);
      return 1;
    }
    throw openError;
  }
  log(`Re-encrypting stored secrets under key "${ring.current.id}" (${database.kind === "pglite" ? `embedded database in ${config.DATA_DIR}` : "PostgreSQL"}), ${batchSize} rows per batch.`);

  const reports = await reencryptSecrets({
    batchSize,
    pauseMs,
    ring,
    onBatch: (r: TableReport) => log(`  ${r.table}: ${r.rotated} re-encrypted so far`),
  });
  await closeDatabase();

  let failed = 0;
  for (const r of reports) {
    log(`${r.table}: ${r.rotated} re-encrypted, ${r.changedMeanwhile} changed meanwhile (left for the next run), ${r.failed.length} could not be decrypted`);
    for (const f of r.failed) log(`  - ${f.id}: needs key "${f.keyId ?? "?"}" (${f.reason})`);
    failed += r.failed.length;
  }
  if (failed > 0) {
    error(`${failed} secret(s) could not be decrypted with the configured keys and were left as they are: add the keys named above to TOKEN_ENCRYPTION_KEYS (after the current one) and run again.`);
    return 1;
  }
  const pending = reports.reduce((n, r) => n + r.changedMeanwhile, 0);
  log(pending > 0 ? `Done, but ${pending} row(s) changed while rotating: run the command again.` : `Done: every stored secret is encrypted with key "${ring.current.id}".`);
  return 0;
}

/**
 * `keys-rotate [--batch-size N] [--pause-ms N]` (argv without node and the script), its output written
 * to `io`: resolves with the exit code (0 done, 1 refused or failed, 2 bad arguments). Never exits the process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const { ConfigError } = await import("../../lib/config");
    line(io.stderr)(error instanceof ConfigError ? error.message : `keys:rotate failed: ${(error as Error).message}`);
    return 1;
  }
}
