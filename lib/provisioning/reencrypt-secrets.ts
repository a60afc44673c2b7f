/**
 * Re-encrypts every stored secret under the key ring's current key (the
 * first entry of TOKEN_ENCRYPTION_KEYS), for `npm run keys:rotate`:
 *
 * - nextcloud_grants.encrypted_refresh_token   (context: grantRefreshTokenContext)
 * - provisioning_sessions.encrypted_verifier   (context: provisioningVerifierContext)
 * - provisioning_requests.sealed               (context: provisioningRequestContext)
 * - nextcloud_grants.encrypted_app_password    (context: grantAppPasswordContext; key id inside the envelope)
 * - pending_app_password_revocations.encrypted_app_password (context: pendingRevocationContext)
 * - login_flow_sessions.sealed                 (context: loginFlowContext)
 * - instance_settings values of the form { "sealed": "<compact JWE>", "context"?: "<ctx>" }
 *   (context defaults to the setting's key, as lib/idp/sealed-settings.ts stores them)
 *
 * Crash safety: each row is one UPDATE … WHERE <column> = <old ciphertext>,
 * i.e. its own transaction that changes nothing if the row moved on. At any
 * instant every row holds either its old ciphertext (old key, still in the
 * ring) or its new one, so an interrupted run leaves everything decryptable
 * and a second run finishes the job. Rows already under the current key are
 * skipped, rows that cannot be decrypted are reported and left untouched.
 */
import { keyIdOf, open, seal } from "@/lib/crypto/envelope";
import { getKeyRing, type KeyRing } from "@/lib/crypto/key-ring";
import { db, type Prisma } from "@/lib/db";
import { grantAppPasswordContext, grantRefreshTokenContext, loginFlowContext, pendingRevocationContext, provisioningRequestContext, provisioningVerifierContext } from "./secret-contexts";

export interface TableReport {
  table: "nextcloud_grants" | "provisioning_sessions" | "provisioning_requests" | "instance_settings" | "app_passwords" | "pending_app_password_revocations" | "login_flow_sessions";
  rotated: number;
  /** Changed by someone else between read and write (it is under a current key, or the next run takes it). */
  changedMeanwhile: number;
  failed: { id: string; keyId: string | undefined; reason: string }[];
}

export interface ReencryptOptions {
  batchSize?: number;
  /** Pause between batches, to spare a busy database. */
  pauseMs?: number;
  ring?: KeyRing;
  onBatch?: (report: TableReport) => void;
  /** Runs between a row's read and its write (tests use it to change the row meanwhile). */
  beforeWrite?: (table: TableReport["table"], id: string) => Promise<void>;
}

interface Candidate {
  id: string;
  ciphertext: string;
  context: string;
  /** The compare-and-set write; resolves to the number of rows changed. */
  write(newCiphertext: string, keyId: string): Promise<number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rotateRows(
  report: TableReport,
  nextBatch: (afterId: string | undefined, take: number) => Promise<Candidate[]>,
  options: Required<Pick<ReencryptOptions, "batchSize" | "pauseMs">> & Pick<ReencryptOptions, "onBatch" | "beforeWrite"> & { ring: KeyRing },
): Promise<TableReport> {
  let cursor: string | undefined;
  for (;;) {
    const batch = await nextBatch(cursor, options.batchSize);
    if (batch.length === 0) return report;
    for (const row of batch) {
      cursor = row.id;
      let plaintext: string;
      try {
        plaintext = await open(row.ciphertext, row.context, options.ring);
      } catch (error) {
        report.failed.push({ id: row.id, keyId: keyIdOf(row.ciphertext), reason: (error as Error).message });
        continue;
      }
      const sealed = await seal(plaintext, row.context, options.ring);
      await options.beforeWrite?.(report.table, row.id);
      if ((await row.write(sealed.ciphertext, sealed.keyId)) === 1) report.rotated++;
      else report.changedMeanwhile++;
    }
    options.onBatch?.(report);
    if (options.pauseMs > 0) await sleep(options.pauseMs);
  }
}

export async function reencryptSecrets(options: ReencryptOptions = {}): Promise<TableReport[]> {
  const prisma = await db();
  const ring = options.ring ?? getKeyRing();
  const current = ring.current.id;
  const settings = { batchSize: Math.max(1, options.batchSize ?? 100), pauseMs: Math.max(0, options.pauseMs ?? 0), ring, onBatch: options.onBatch, beforeWrite: options.beforeWrite };
  const staleKey = { OR: [{ keyId: null }, { keyId: { not: current } }] };

  const grants = await rotateRows(
    { table: "nextcloud_grants", rotated: 0, changedMeanwhile: 0, failed: [] },
    async (afterId, take) => {
      const rows = await prisma.nextcloudGrant.findMany({
        where: { encryptedRefreshToken: { not: null }, ...staleKey, ...(afterId ? { id: { gt: afterId } } : {}) },
        select: { id: true, userId: true, audience: true, encryptedRefreshToken: true },
        orderBy: { id: "asc" },
        take,
      });
      return rows.map((row) => ({
        id: row.id,
        ciphertext: row.encryptedRefreshToken!,
        context: grantRefreshTokenContext(row.userId, row.audience),
        write: async (ciphertext, keyId) =>
          (await prisma.nextcloudGrant.updateMany({ where: { id: row.id, encryptedRefreshToken: row.encryptedRefreshToken }, data: { encryptedRefreshToken: ciphertext, keyId } })).count,
      }));
    },
    settings,
  );

  const sessions = await rotateRows(
    { table: "provisioning_sessions", rotated: 0, changedMeanwhile: 0, failed: [] },
    async (afterId, take) => {
      const rows = await prisma.provisioningSession.findMany({
        where: { keyId: { not: current }, ...(afterId ? { stateHash: { gt: afterId } } : {}) },
        select: { stateHash: true, encryptedVerifier: true },
        orderBy: { stateHash: "asc" },
        take,
      });
      return rows.map((row) => ({
        id: row.stateHash,
        ciphertext: row.encryptedVerifier,
        context: provisioningVerifierContext(row.stateHash),
        write: async (ciphertext, keyId) =>
          (await prisma.provisioningSession.updateMany({ where: { stateHash: row.stateHash, encryptedVerifier: row.encryptedVerifier }, data: { encryptedVerifier: ciphertext, keyId } })).count,
      }));
    },
    settings,
  );

  const requests = await rotateRows(
    { table: "provisioning_requests", rotated: 0, changedMeanwhile: 0, failed: [] },
    async (afterId, take) => {
      const rows = await prisma.provisioningRequest.findMany({
        where: { keyId: { not: current }, ...(afterId ? { idHash: { gt: afterId } } : {}) },
        select: { idHash: true, sealed: true },
        orderBy: { idHash: "asc" },
        take,
      });
      return rows.map((row) => ({
        id: row.idHash,
        ciphertext: row.sealed,
        context: provisioningRequestContext(row.idHash),
        write: async (ciphertext, keyId) => (await prisma.provisioningRequest.updateMany({ where: { idHash: row.idHash, sealed: row.sealed }, data: { sealed: ciphertext, keyId } })).count,
      }));
    },
    settings,
  );

  const instanceSettings = await rotateRows(
    { table: "instance_settings", rotated: 0, changedMeanwhile: 0, failed: [] },
    async (afterId, take) => {
      // Few rows, and the key id sits inside the JSON: page through all of them.
      const candidates: Candidate[] = [];
      let after = afterId;
      while (candidates.length === 0) {
        const rows = await prisma.instanceSetting.findMany({ where: after ? { key: { gt: after } } : {}, orderBy: { key: "asc" }, take });
        if (rows.length === 0) break;
        after = rows.at(-1)!.key;
        for (const row of rows) {
          const value = row.value as { sealed?: unknown; context?: unknown } | null;
          if (!value || typeof value !== "object" || Array.isArray(value) || typeof value.sealed !== "string") continue;
          if (keyIdOf(value.sealed) === current) continue;
          const oldSealed = value.sealed;
          candidates.push({
            id: row.key,
            ciphertext: oldSealed,
            context: typeof value.context === "string" ? value.context : row.key,
            write: async (ciphertext) =>
              (await prisma.instanceSetting.updateMany({ where: { key: row.key, value: { path: ["sealed"], equals: oldSealed } }, data: { value: { ...(value as Prisma.InputJsonObject), sealed: ciphertext } } })).count,
          });
        }
      }
      return candidates;
    },
    settings,
  );

  // App-password mode's secrets carry their key id only inside the envelope: page through, keep the stale ones.
  async function staleOnly<R extends { id: string }>(afterId: string | undefined, take: number, page: (after: string | undefined, take: number) => Promise<R[]>, toCandidate: (row: R) => Candidate | undefined): Promise<Candidate[]> {
    const out: Candidate[] = [];
    let after = afterId;
    while (out.length === 0) {
      const rows = await page(after, take);
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      for (const row of rows) {
        const candidate = toCandidate(row);
        if (candidate && keyIdOf(candidate.ciphertext) !== current) out.push(candidate);
      }
    }
    return out;
  }

  const appPasswords = await rotateRows(
    { table: "app_passwords", rotated: 0, changedMeanwhile: 0, failed: [] },
    (afterId, take) =>
      staleOnly(
        afterId,
        take,
        (after, n) =>
          prisma.nextcloudGrant.findMany({ where: { encryptedAppPassword: { not: null }, ...(after ? { id: { gt: after } } : {}) }, select: { id: true, userId: true, audience: true, encryptedAppPassword: true }, orderBy: { id: "asc" }, take: n }),
        (row) => ({
          id: row.id,
          ciphertext: row.encryptedAppPassword!,
          context: grantAppPasswordContext(row.userId, row.audience),
          write: async (ciphertext) => (await prisma.nextcloudGrant.updateMany({ where: { id: row.id, encryptedAppPassword: row.encryptedAppPassword }, data: { encryptedAppPassword: ciphertext } })).count,
        }),
      ),
    settings,
  );

  const pendingRevocations = await rotateRows(
    { table: "pending_app_password_revocations", rotated: 0, changedMeanwhile: 0, failed: [] },
    (afterId, take) =>
      staleOnly(
        afterId,
        take,
        (after, n) => prisma.pendingAppPasswordRevocation.findMany({ where: after ? { id: { gt: after } } : {}, orderBy: { id: "asc" }, take: n }),
        (row) => ({
          id: row.id,
          ciphertext: row.encryptedAppPassword,
          context: pendingRevocationContext(row.userId, row.id),
          write: async (ciphertext) =>
            (await prisma.pendingAppPasswordRevocation.updateMany({ where: { id: row.id, encryptedAppPassword: row.encryptedAppPassword }, data: { encryptedAppPassword: ciphertext } })).count,
        }),
      ),
    settings,
  );

  const loginFlows = await rotateRows(
    { table: "login_flow_sessions", rotated: 0, changedMeanwhile: 0, failed: [] },
    (afterId, take) =>
      staleOnly(
        afterId,
        take,
        async (after, n) =>
          (await prisma.loginFlowSession.findMany({ where: after ? { idHash: { gt: after } } : {}, select: { idHash: true, sealed: true }, orderBy: { idHash: "asc" }, take: n })).map((r) => ({ id: r.idHash, sealed: r.sealed })),
        (row) => ({
          id: row.id,
          ciphertext: row.sealed,
          context: loginFlowContext(row.id),
          write: async (ciphertext) => (await prisma.loginFlowSession.updateMany({ where: { idHash: row.id, sealed: row.sealed }, data: { sealed: ciphertext } })).count,
        }),
      ),
    settings,
  );

  return [grants, sessions, requests, instanceSettings, appPasswords, pendingRevocations, loginFlows];
}
