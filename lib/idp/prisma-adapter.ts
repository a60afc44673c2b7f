/**
 * oidc-provider's storage: every model (Session, Grant, AuthorizationCode,
 * RefreshToken, Client, Interaction, …) as one `OidcPayload` row per
 * (model, id). Nothing is kept in process memory, so a restart keeps every
 * flow and several processes on one PostgreSQL database serve the same flows.
 *
 * For opaque artefacts the id *is* the bearer value (a refresh token, an
 * authorization code, the session cookie). Those ids are stored as their
 * SHA-256 and the `jti` copy is dropped from the stored payload: a database
 * dump yields no usable token. `find` receives the raw value, so it hashes it
 * again and restores `jti`.
 */
import { createHash } from "node:crypto";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { createTtlCache } from "@/lib/cache/ttl-cache";
import { db, getDatabase, Prisma } from "@/lib/db";
import { processWide } from "@/lib/process-wide";

/** Models whose id is a secret presented by a client or a browser. */
const BEARER_MODELS = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "ClientCredentials",
  "InitialAccessToken",
  "RegistrationAccessToken",
  "BackchannelAuthenticationRequest",
  "PushedAuthorizationRequest",
  "PreAuthorizedCode",
  "Session",
]);

export function storedId(model: string, id: string): string {
  return BEARER_MODELS.has(model) ? `sha256:${createHash("sha256").update(id).digest("base64url")}` : id;
}

function expiry(expiresIn: number | undefined): Date | null {
  return typeof expiresIn === "number" && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

export class PrismaAdapter implements Adapter {
  constructor(private readonly model: string) {}

  private key(id: string) {
    return { model_id: { model: this.model, id: storedId(this.model, id) } };
  }

  /** The stored payload, or undefined when missing or expired. */
  private live(row: { payload: Prisma.JsonValue; expiresAt: Date | null } | null): AdapterPayload | undefined {
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    return row.payload as AdapterPayload;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const { jti: _jti, ...rest } = payload;
    const stored = (BEARER_MODELS.has(this.model) ? rest : payload) as Prisma.InputJsonValue;
    const columns = {
      payload: stored,
      grantId: str(payload.grantId),
      userCode: str(payload.userCode),
      uid: str(payload.uid),
      accountId: str(payload.accountId),
      clientId: str(payload.clientId) ?? str((payload as { client_id?: unknown }).client_id),
      expiresAt: expiry(expiresIn),
      consumedAt: typeof payload.consumed === "number" ? new Date(payload.consumed * 1000) : null,
    };
    const prisma = await db();
    try {
      await prisma.oidcPayload.upsert({
        where: this.key(id),
        create: { model: this.model, id: storedId(this.model, id), ...columns },
        update: columns,
      });
    } finally {
      this.written();
    }
  }

  /** After every write of a Grant (committed or not): the exchange's cached grant reads go. */
  private written(): void {
    if (this.model === "Grant") forgetGrantReads();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const prisma = await db();
    const payload = this.live(await prisma.oidcPayload.findUnique({ where: this.key(id), select: { payload: true, expiresAt: true } }));
    if (!payload) return undefined;
    return BEARER_MODELS.has(this.model) ? { ...payload, jti: id } : payload;
  }

  /** Session only; callers use the result read-only (no jti needed). */
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const prisma = await db();
    return this.live(await prisma.oidcPayload.findFirst({ where: { model: this.model, uid }, select: { payload: true, expiresAt: true } }));
  }

  /** DeviceCode only (the device flow is off; kept for completeness of the interface). */
  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const prisma = await db();
    return this.live(await prisma.oidcPayload.findFirst({ where: { model: this.model, userCode }, select: { payload: true, expiresAt: true } }));
  }

  /**
   * Marks a code or refresh token used. Reuse detection depends on a later
   * `find` seeing `consumed` (RFC 6749 §4.1.2 code replay, OAuth 2.1 §6.1
   * refresh token rotation). One UPDATE, so two processes racing on the same
   * token cannot both see it unconsumed afterwards.
   */
  async consume(id: string): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const prisma = await db();
    try {
      await prisma.$executeRaw`
        UPDATE "oidc_payloads"
           SET "payload" = jsonb_set("payload"::jsonb, '{consumed}', to_jsonb(${now}::int)),
               "consumed_at" = now(), "updated_at" = now()
         WHERE "model" = ${this.model} AND "id" = ${storedId(this.model, id)}`;
    } finally {
      this.written();
    }
  }

  async destroy(id: string): Promise<void> {
    const prisma = await db();
    try {
      await prisma.oidcPayload.deleteMany({ where: { model: this.model, id: storedId(this.model, id) } });
    } finally {
      this.written();
    }
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const prisma = await db();
    try {
      await prisma.oidcPayload.deleteMany({ where: { model: this.model, grantId } });
    } finally {
      this.written();
    }
  }
}

/** Deletes expired rows of every model; returns how many went. */
export async function purgeExpiredPayloads(now = new Date()): Promise<number> {
  const prisma = await db();
  try {
    const { count } = await prisma.oidcPayload.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  } finally {
    forgetGrantReads();
  }
}

/** The newest live Grant ids of one account at one client (our own index; oidc-provider keys grants by id only). */
export async function findGrantIds(accountId: string, clientId: string): Promise<string[]> {
  const prisma = await db();
  const rows = await prisma.oidcPayload.findMany({
    where: { model: "Grant", accountId, clientId, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    orderBy: { updatedAt: "desc" },
    select: { id: true },
    take: 20,
  });
  return rows.map((r) => r.id);
}

const GRANT_LOOKUP_LIMIT = 50;

/**
 * The token exchange's grant reads in one query: the stored payloads of the
 * live Grants `ids` (what `Grant.find` would read for each) and the ids of the
 * newest live Grants of `accountId` at `clientId` (as findGrantIds). One round
 * trip per exchange instead of one per grant (`npm run bench`, docs/performance.md).
 */
export async function findGrantPayloads(input: { ids: readonly string[]; accountId: string; clientId: string }): Promise<{ byId: Map<string, AdapterPayload>; ofClient: string[] }> {
  const prisma = await db();
  const rows = await prisma.oidcPayload.findMany({
    where: {
      model: "Grant",
      OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
      AND: [{ OR: [{ id: { in: input.ids.map((id) => storedId("Grant", id)) } }, { accountId: input.accountId, clientId: input.clientId }] }],
    },
    orderBy: { updatedAt: "desc" },
    select: { id: true, accountId: true, clientId: true, payload: true },
    take: GRANT_LOOKUP_LIMIT,
  });
  const byId = new Map(rows.map((row) => [row.id, row.payload as AdapterPayload]));
  const ofClient = rows.filter((row) => row.accountId === input.accountId && row.clientId === input.clientId).map((row) => row.id).slice(0, 20);
  // The limit cut rows off (an account with dozens of grants at one client): read what was asked for directly.
  if (rows.length === GRANT_LOOKUP_LIMIT) {
    for (const id of input.ids) {
      if (byId.has(id)) continue;
      const payload = await new PrismaAdapter("Grant").find(id);
      if (payload) byId.set(id, payload);
    }
  }
  return { byId, ofClient };
}

export type GrantLookup = Awaited<ReturnType<typeof findGrantPayloads>>;
type GrantLookupInput = { ids: readonly string[]; accountId: string; clientId: string };

/** How long a cached grant read may live at most (every Grant write in this process drops them all at once anyway). */
export const GRANT_READ_CACHE_MS = 60_000;
/** Cached grant reads at most (one per subject grant in use); the oldest goes first. */
export const GRANT_READ_CACHE_ENTRIES = 1_000;

const grantReads = () =>
  processWide("cache.exchange-grant-reads", () =>
    createTtlCache<string, GrantLookup>({
      ttlMs: GRANT_READ_CACHE_MS,
      maxEntries: GRANT_READ_CACHE_ENTRIES,
      load: (key) => findGrantPayloads(JSON.parse(key) as GrantLookupInput),
    }),
  );

/** Drops every cached grant read, and keeps a read that is running now from being cached (lib/cache/ttl-cache.ts). */
export function forgetGrantReads(): void {
  grantReads().forget();
}

/** Cached grant reads (for tests and diagnostics). */
export function grantReadCacheSize(): number {
  return grantReads().size;
}

/**
 * The token exchange's grant read (findGrantPayloads), cached per process
 * only where that cannot outlive a revocation: on the embedded database
 * (PGlite) this process is the database's only writer — the directory lock
 * (lib/db/open-pglite.ts) keeps every other process out while it runs — and
 * every write of a Grant row goes through this adapter, which drops the whole
 * cache after each one (`written`, purgeExpiredPayloads). A revocation,
 * narrowing or new consent is therefore seen by the very next exchange, as
 * with a fresh read; a read that was running while a Grant was written is
 * never cached. Expiry is checked on every use (the payload's `exp`, by the
 * caller, as `Grant.find` does). On PostgreSQL other instances write too,
 * so every exchange reads the database (issue 19 defect 5: revocation holds
 * across instances at once).
 */
export async function findGrantPayloadsForExchange(input: GrantLookupInput): Promise<GrantLookup> {
  if ((await getDatabase()).kind !== "pglite") return findGrantPayloads(input);
  return grantReads().get(JSON.stringify({ ids: [...input.ids], accountId: input.accountId, clientId: input.clientId }));
}
