/**
 * Server-side state of one Flow 2 authorization request (between "Continue"
 * and the callback): keyed by sha256(state), holding the PKCE verifier sealed
 * to that row (provisioningVerifierContext), the nonce, the bound `sub` and
 * the client that asked. Ten minutes at most, single use: the callback
 * consumes it before anything else (RFC 6749 §10.12, OAuth 2.1 §7.12), so a
 * replayed or forged state finds nothing to continue.
 */
import { createHash } from "node:crypto";
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";
import { provisioningVerifierContext } from "./secret-contexts";

export const PROVISIONING_SESSION_TTL_SECONDS = 600;

export const hashState = (state: string) => createHash("sha256").update(state).digest("base64url");

export interface ProvisioningSessionInput {
  state: string;
  userId: string;
  clientId?: string;
  tool?: string;
  scopes: string[];
  codeVerifier: string;
  nonce: string;
}

export async function createProvisioningSession(input: ProvisioningSessionInput, now = Date.now()): Promise<void> {
  const stateHash = hashState(input.state);
  const sealed = await seal(input.codeVerifier, provisioningVerifierContext(stateHash));
  const prisma = await db();
  // Expired sessions are useless; clear them out as new ones come in.
  await prisma.provisioningSession.deleteMany({ where: { expiresAt: { lt: new Date(now - 60_000) } } });
  await prisma.provisioningSession.create({
    data: {
      stateHash,
      userId: input.userId,
      clientId: input.clientId ?? null,
      tool: input.tool ?? null,
      scopes: input.scopes,
      encryptedVerifier: sealed.ciphertext,
      keyId: sealed.keyId,
      nonce: input.nonce,
      expiresAt: new Date(now + PROVISIONING_SESSION_TTL_SECONDS * 1000),
    },
  });
}

export interface ConsumedProvisioningSession {
  userId: string;
  clientId: string | null;
  tool: string | null;
  scopes: string[];
  codeVerifier: string;
  nonce: string;
}

export type ConsumeResult = { ok: true; session: ConsumedProvisioningSession } | { ok: false; reason: "unknown" | "used" | "expired" };

/** Marks the session used and returns it — once. */
export async function consumeProvisioningSession(state: string, now = new Date()): Promise<ConsumeResult> {
  const stateHash = hashState(state);
  const prisma = await db();
  const row = await prisma.provisioningSession.findUnique({ where: { stateHash } });
  if (!row) return { ok: false, reason: "unknown" };
  if (row.consumedAt) return { ok: false, reason: "used" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  // One conditional UPDATE: of two concurrent callbacks with the same state, one wins.
  const { count } = await prisma.provisioningSession.updateMany({ where: { stateHash, consumedAt: null, expiresAt: { gt: now } }, data: { consumedAt: now } });
  if (count !== 1) return { ok: false, reason: "used" };
  const codeVerifier = await open(row.encryptedVerifier, provisioningVerifierContext(stateHash));
  return { ok: true, session: { userId: row.userId, clientId: row.clientId, tool: row.tool, scopes: row.scopes, codeVerifier, nonce: row.nonce } };
}

/**
 * The provisioning a `state` belongs to, while it is pending (unused,
 * unexpired): the built-in IdP's first-party consent rule reads it to know
 * that the person already consented on the provisioning page
 * (lib/idp/first-party-consent.ts). Reading consumes nothing.
 */
export async function findPendingProvisioningSession(state: string, now = new Date()): Promise<{ userId: string; scopes: string[] } | undefined> {
  if (state.length === 0 || state.length > 512) return undefined;
  const row = await (await db()).provisioningSession.findUnique({ where: { stateHash: hashState(state) }, select: { userId: true, scopes: true, consumedAt: true, expiresAt: true } });
  if (!row || row.consumedAt || row.expiresAt <= now) return undefined;
  return { userId: row.userId, scopes: row.scopes };
}
