/**
 * Provisioning links: `/oauth/authorize-nextcloud?request=<id>`, where the id
 * is 24 random URL-safe characters (144 bits, RFC 4648 §5 alphabet) — short
 * enough for a model to relay intact. The request itself stays server-side,
 * in the database (so any instance can serve the link): one row keyed by
 * sha256(id), holding the request sealed (lib/crypto/envelope) to that hash,
 * so neither a database reader learns a usable link nor can a row be moved
 * under another id. The request names the MCP user (`sub`) it was made for,
 * the client that asked, the tool that asked and its scopes ("needed"), and
 * every Nextcloud scope the client's token holds ("offered"). It is
 * short-lived (10 minutes) and single-use: the first "Continue" consumes it
 * with one conditional UPDATE.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { isKnownScope, resourceScopes } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";
import { provisioningRequestContext } from "./secret-contexts";

export const PROVISIONING_LINK_TTL_SECONDS = 600;
/** 18 random bytes → 24 base64url characters. */
const ID_BYTES = 18;
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
/** Rows are kept a day past expiry, so an old link still reads "expired" rather than "not valid". */
const KEEP_EXPIRED_MS = 86_400_000;

const nextcloudScope = z.string().refine((s) => isKnownScope(s) && resourceScopes("nextcloud").includes(s), "unknown Nextcloud scope");
const scopeList = z.array(nextcloudScope).max(32).transform((s) => [...new Set(s)]);

const requestSchema = z
  .object({
    sub: z.string().min(1).max(255),
    clientId: z.string().min(1).max(2048).optional(),
    /** The tool whose call led here; the result page tells the model to call it again. */
    tool: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
    /** Scopes the tool needs: shown ticked, cannot be unticked. */
    needed: scopeList,
    /** Every Nextcloud scope offered (the client's token's Nextcloud scopes ∪ needed). */
    offered: scopeList,
  })
  .refine((r) => r.offered.length > 0, "a provisioning request offers at least one scope")
  .refine((r) => r.needed.every((s) => r.offered.includes(s)), "needed scopes are offered");

export interface ProvisioningRequestInput {
  sub: string;
  clientId?: string;
  tool?: string;
  needed?: string[];
  offered?: string[];
  /** Scopes the person picked themselves (the dashboard's "add scopes"): offered and needed alike. */
  scopes?: string[];
}
export type ProvisioningRequest = z.output<typeof requestSchema> & { id: string; expiresAt: Date };

export class ProvisioningLinkError extends Error {
  constructor(
    readonly reason: "invalid" | "expired" | "used",
    message: string,
  ) {
    super(message);
    this.name = "ProvisioningLinkError";
  }
}

const hashId = (id: string) => createHash("sha256").update(id).digest("base64url");

export async function createProvisioningLink(input: ProvisioningRequestInput, now = Date.now()): Promise<{ url: string; expiresAt: Date }> {
  const needed = [...(input.needed ?? []), ...(input.scopes ?? [])];
  const parsed = requestSchema.parse({ sub: input.sub, clientId: input.clientId, tool: input.tool, needed, offered: [...needed, ...(input.offered ?? [])] });
  const id = randomBytes(ID_BYTES).toString("base64url");
  const idHash = hashId(id);
  const expiresAt = new Date(now + PROVISIONING_LINK_TTL_SECONDS * 1000);
  const sealed = await seal(JSON.stringify(parsed), provisioningRequestContext(idHash));
  const prisma = await db();
  await prisma.provisioningRequest.deleteMany({ where: { expiresAt: { lt: new Date(now - KEEP_EXPIRED_MS) } } });
  await prisma.provisioningRequest.create({ data: { idHash, userId: parsed.sub, sealed: sealed.ciphertext, keyId: sealed.keyId, expiresAt } });
  const url = new URL("/oauth/authorize-nextcloud", getConfig().APP_URL);
  url.searchParams.set("request", id);
  return { url: url.toString(), expiresAt };
}

const INVALID = "This provisioning link is not valid: it is incomplete, was altered, or was not made by this server.";

/** Looks a link's id up and validates it; does not consume it. Unknown, used and expired ids all fail. */
export async function readProvisioningRequest(value: unknown, now = Date.now()): Promise<ProvisioningRequest> {
  if (typeof value !== "string" || !ID_PATTERN.test(value)) throw new ProvisioningLinkError("invalid", INVALID);
  const idHash = hashId(value);
  const row = await (await db()).provisioningRequest.findUnique({ where: { idHash } });
  if (!row) throw new ProvisioningLinkError("invalid", INVALID);
  let parsed;
  try {
    parsed = requestSchema.parse(JSON.parse(await open(row.sealed, provisioningRequestContext(idHash))));
  } catch {
    throw new ProvisioningLinkError("invalid", INVALID);
  }
  if (row.consumedAt) throw new ProvisioningLinkError("used", "This provisioning link was already used. Ask your AI client for a fresh one if you still need to grant access.");
  if (row.expiresAt.getTime() <= now) {
    throw new ProvisioningLinkError("expired", "This provisioning link has expired. Ask your AI client to try again; it will give you a fresh link.");
  }
  return { ...parsed, id: value, expiresAt: row.expiresAt };
}

/** Marks the link used; a second use (or a concurrent one) fails. */
export async function consumeProvisioningRequest(request: Pick<ProvisioningRequest, "id">, now = new Date()): Promise<void> {
  const { count } = await (await db()).provisioningRequest.updateMany({
    where: { idHash: hashId(request.id), consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  if (count !== 1) {
    throw new ProvisioningLinkError("used", "This provisioning link was already used. Ask your AI client for a fresh one if you still need to grant access.");
  }
}
