/**
 * The Nextcloud grant store: one row per (user, audience) holding what the
 * user delegated in Flow 2 — the scopes, how (flow2 | hybrid), for which
 * client — and the refresh token, encrypted (lib/crypto/envelope, context
 * bound to the row).
 *
 * Rules:
 * - The session path (every tool call) reads metadata only: getGrant never
 *   selects, let alone decrypts, the refresh token. Only withRefreshToken
 *   (with-refresh-token.ts, background jobs) decrypts.
 * - Consent is incremental: saving a grant while a live one exists keeps the
 *   scopes granted before and adds the new ones.
 * - `version` orders every change of the stored token (optimistic
 *   concurrency). Even = idle, odd = a refresh holds the grant (see
 *   with-refresh-token.ts); writes here always land on an even version.
 * - The provisioning guard (every Nextcloud tool call) reads through a
 *   per-process cache of GRANT_CACHE_MS (getGrantForToolCall); every write in
 *   this process goes through writingGrant, which drops the cached answer once
 *   the write is done. Another process's change
 *   (a second instance, the CLI) is seen within GRANT_CACHE_MS; revocation
 *   does not wait for it, because the IdP's grant is destroyed with the
 *   stored one and the token exchange that follows the guard fails closed.
 */
import { z } from "zod";
import { resourceScopes } from "@/lib/auth/scopes";
import { createTtlCache } from "@/lib/cache/ttl-cache";
import { seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";
import { processWide } from "@/lib/process-wide";
import { grantRefreshTokenContext } from "./secret-contexts";

export type FlowType = "flow2" | "hybrid";

export interface NextcloudGrantInfo {
  id: string;
  userId: string;
  audience: string;
  flowType: FlowType;
  scopes: string[];
  clientId: string | null;
  idpGrantId: string | null;
  keyId: string | null;
  version: number;
  provisionedAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** App-password mode: the Nextcloud account whose app password is stored (null: none stored). */
  nextcloudLoginName: string | null;
  /** Not revoked and holding a refresh token: the IdP may exchange against it. */
  active: boolean;
}

export class GrantStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class GrantNotFoundError extends GrantStoreError {}
export class GrantRevokedError extends GrantStoreError {}
/** Another writer kept changing the grant; nothing was stored. Safe to retry. */
export class GrantConflictError extends GrantStoreError {}

/** Every column but the encrypted refresh token. */
export const GRANT_METADATA = {
  id: true,
  userId: true,
  audience: true,
  flowType: true,
  scopes: true,
  clientId: true,
  idpGrantId: true,
  keyId: true,
  version: true,
  provisionedAt: true,
  lastUsedAt: true,
  revokedAt: true,
  nextcloudLoginName: true,
} as const;

type MetadataRow = Omit<NextcloudGrantInfo, "active" | "flowType"> & { flowType: string };

export function toGrantInfo(row: MetadataRow): NextcloudGrantInfo {
  return { ...row, flowType: row.flowType === "hybrid" ? "hybrid" : "flow2", active: row.revokedAt === null && row.keyId !== null };
}

/** The next idle (even) version after `version`. */
export const nextIdleVersion = (version: number) => version + (version % 2 === 0 ? 2 : 1);

const NEXTCLOUD_SCOPES = new Set(resourceScopes("nextcloud"));
const OIDC_ONLY = new Set(["openid", "profile", "email", "offline_access"]);

const saveInput = z.object({
  userId: z.string().min(1).max(255),
  audience: z.string().min(1).max(2048),
  flowType: z.enum(["flow2", "hybrid"]),
  // What the IdP granted: OpenID scopes are dropped, unknown names refused.
  scopes: z
    .array(z.string())
    .transform((s) => [...new Set(s.filter((x) => !OIDC_ONLY.has(x)))])
    .refine((s) => s.every((x) => NEXTCLOUD_SCOPES.has(x)), { message: "holds a scope that is not a Nextcloud scope" })
    .refine((s) => s.length > 0, { message: "must hold at least one Nextcloud scope" }),
  clientId: z.string().min(1).max(2048).nullish(),
  idpGrantId: z.string().min(1).max(255).nullish(),
  refreshToken: z.string().min(1).max(16_384),
});

export type SaveGrantInput = z.input<typeof saveInput>;

export interface SaveGrantResult {
  grant: NextcloudGrantInfo;
  /** True for a first grant or one provisioned again after revocation. */
  created: boolean;
  /** Scopes this save added (all of them when created). */
  addedScopes: string[];
}

const key = (userId: string, audience: string) => ({ userId_audience: { userId, audience } });
const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";
const MAX_ATTEMPTS = 5;

/** Metadata only; never reads the refresh token. */
export async function getGrant(userId: string, audience: string): Promise<NextcloudGrantInfo | null> {
  const row = await (await db()).nextcloudGrant.findUnique({ where: key(userId, audience), select: GRANT_METADATA });
  return row ? toGrantInfo(row) : null;
}

/** Stores (or extends) a grant after a successful provisioning or hybrid consent. */
export const GRANT_CACHE_MS = 3_000;
const cacheKey = (userId: string, audience: string) => JSON.stringify([userId, audience]);
const grantCache = () =>
  processWide("cache.nextcloud-grants", () =>
    createTtlCache<string, Readonly<NextcloudGrantInfo> | null>({
      ttlMs: GRANT_CACHE_MS,
      maxEntries: 10_000,
      load: async (k) => {
        const [userId, audience] = JSON.parse(k) as [string, string];
        const grant = await getGrant(userId, audience);
        return grant && Object.freeze({ ...grant, scopes: Object.freeze([...grant.scopes]) as string[] });
      },
    }),
  );

/** getGrant for the tool-call path: at most GRANT_CACHE_MS old (see the file comment); frozen, shared by callers. */
export function getGrantForToolCall(userId: string, audience: string): Promise<Readonly<NextcloudGrantInfo> | null> {
  return grantCache().get(cacheKey(userId, audience));
}

/** Every write to a grant goes through this (here and in with-refresh-token.ts): the cached answer is dropped once the write is done, whatever its outcome. */
export async function writingGrant<T>(userId: string, audience: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    grantCache().forget(cacheKey(userId, audience));
    // Any write may reset last_used_at (a new provisioning does): the next touch writes again.
    lastTouches().delete(cacheKey(userId, audience));
  }
}

export async function saveGrant(input: SaveGrantInput): Promise<SaveGrantResult> {
  const parsed = saveInput.safeParse(input);
  if (!parsed.success) throw new GrantStoreError(`invalid grant: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  return writingGrant(parsed.data.userId, parsed.data.audience, () => writeGrant(parsed.data));
}

async function writeGrant({ userId, audience, flowType, scopes, clientId, idpGrantId, refreshToken }: z.output<typeof saveInput>): Promise<SaveGrantResult> {
  const prisma = await db();
  const sealed = await seal(refreshToken, grantRefreshTokenContext(userId, audience));
  const common = { flowType, clientId: clientId ?? null, idpGrantId: idpGrantId ?? null, encryptedRefreshToken: sealed.ciphertext, keyId: sealed.keyId };

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing = await prisma.nextcloudGrant.findUnique({ where: key(userId, audience), select: { id: true, version: true, scopes: true, revokedAt: true } });
    if (!existing) {
      try {
        const row = await prisma.nextcloudGrant.create({ data: { userId, audience, scopes, ...common }, select: GRANT_METADATA });
        return { grant: toGrantInfo(row), created: true, addedScopes: scopes };
      } catch (error) {
        // A concurrent save created it (unique violation; not every driver
        // adapter maps it to P2002, so look): merge on the next pass.
        if (isUniqueViolation(error) || (await prisma.nextcloudGrant.count({ where: { userId, audience } })) > 0) continue;
        throw error;
      }
    }
    const live = existing.revokedAt === null;
    const merged = live ? [...new Set([...existing.scopes, ...scopes])] : scopes;
    const addedScopes = live ? scopes.filter((s) => !existing.scopes.includes(s)) : scopes;
    const now = new Date();
    const { count } = await prisma.nextcloudGrant.updateMany({
      where: { id: existing.id, version: existing.version },
      data: { ...common, scopes: merged, version: nextIdleVersion(existing.version), revokedAt: null, ...(live ? {} : { provisionedAt: now, lastUsedAt: null }) },
    });
    if (count === 1) {
      const row = await prisma.nextcloudGrant.findUniqueOrThrow({ where: { id: existing.id }, select: GRANT_METADATA });
      return { grant: toGrantInfo(row), created: !live, addedScopes };
    }
  }
  throw new GrantConflictError("the grant kept changing while it was being saved; nothing was stored");
}

/**
 * Marks the grant revoked (e.g. the IdP answered invalid_grant) and drops the
 * refresh token, which is useless from now on. Returns false when there was
 * no live grant.
 */
export function markRevoked(userId: string, audience: string): Promise<boolean> {
  return writingGrant(userId, audience, () => writeRevoked(userId, audience));
}

async function writeRevoked(userId: string, audience: string): Promise<boolean> {
  const prisma = await db();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await prisma.nextcloudGrant.findUnique({ where: key(userId, audience), select: { id: true, version: true, revokedAt: true } });
    if (!row || row.revokedAt) return false;
    const { count } = await prisma.nextcloudGrant.updateMany({
      where: { id: row.id, version: row.version },
      data: { revokedAt: new Date(), encryptedRefreshToken: null, keyId: null, encryptedAppPassword: null, nextcloudLoginName: null, version: nextIdleVersion(row.version) },
    });
    if (count === 1) return true;
  }
  throw new GrantConflictError("the grant kept changing while it was being revoked");
}

/** Deletes the grant; false when there was none (revocation is idempotent). */
export function deleteGrant(userId: string, audience: string): Promise<boolean> {
  return writingGrant(userId, audience, async () => {
    const { count } = await (await db()).nextcloudGrant.deleteMany({ where: { userId, audience } });
    return count > 0;
  });
}

/** Writes at most once a minute per grant, so busy tool calls do not each cost a write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * When this process last wrote each grant's last_used_at (bounded: cleared whole at MAX_TOUCHES keys).
 * A touch within LAST_USED_RESOLUTION_MS of the previous one would change nothing (the UPDATE's
 * condition), so it is skipped without a statement: the exchange path touches on every call.
 */
const MAX_TOUCHES = 10_000;
const lastTouches = () => processWide("grant-last-touches", () => new Map<string, number>());

export async function touchLastUsed(userId: string, audience: string, at: Date = new Date()): Promise<void> {
  const key = cacheKey(userId, audience);
  const previous = lastTouches().get(key);
  if (previous !== undefined && at.getTime() - previous < LAST_USED_RESOLUTION_MS && at.getTime() >= previous) return;
  await writingGrant(userId, audience, async () => {
    await (await db()).nextcloudGrant.updateMany({
      where: { userId, audience, revokedAt: null, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: at },
    });
  });
  if (lastTouches().size >= MAX_TOUCHES) lastTouches().clear();
  lastTouches().set(key, at.getTime());
}
