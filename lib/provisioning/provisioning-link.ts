/**
 * Provisioning links: `/oauth/authorize-nextcloud?request=<value>`, where the
 * value is an encrypted, authenticated envelope (lib/crypto/envelope, bound to
 * the context "provisioning-request") naming the MCP user (`sub`) it was made
 * for, the client that asked and the scopes needed. It is short-lived (10
 * minutes) and single-use: the first "Continue" consumes its `jti`. Neither a
 * person nor a client can forge or alter one, and nobody can read it.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isKnownScope, resourceScopes } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";

export const PROVISIONING_LINK_TTL_SECONDS = 600;
const CONTEXT = "provisioning-request";

const nextcloudScope = z.string().refine((s) => isKnownScope(s) && resourceScopes("nextcloud").includes(s), "unknown Nextcloud scope");

const requestSchema = z.object({
  jti: z.string().uuid(),
  sub: z.string().min(1).max(255),
  clientId: z.string().min(1).max(2048).optional(),
  scopes: z.array(nextcloudScope).min(1).max(32),
  exp: z.number().int(),
});

export type ProvisioningRequest = z.infer<typeof requestSchema>;

export class ProvisioningLinkError extends Error {
  constructor(
    readonly reason: "invalid" | "expired" | "used",
    message: string,
  ) {
    super(message);
    this.name = "ProvisioningLinkError";
  }
}

export async function createProvisioningLink(input: { sub: string; clientId?: string; scopes: string[] }, now = Date.now()): Promise<{ url: string; expiresAt: Date }> {
  const request = requestSchema.parse({
    jti: randomUUID(),
    sub: input.sub,
    clientId: input.clientId,
    scopes: [...new Set(input.scopes)],
    exp: Math.floor(now / 1000) + PROVISIONING_LINK_TTL_SECONDS,
  });
  const { ciphertext } = await seal(JSON.stringify(request), CONTEXT);
  const url = new URL("/oauth/authorize-nextcloud", getConfig().APP_URL);
  url.searchParams.set("request", ciphertext);
  return { url: url.toString(), expiresAt: new Date(request.exp * 1000) };
}

/** Decrypts and validates a link's value; does not consume it. */
export async function readProvisioningRequest(value: unknown, now = Date.now()): Promise<ProvisioningRequest> {
  if (typeof value !== "string" || value.length === 0 || value.length > 8192) {
    throw new ProvisioningLinkError("invalid", "This provisioning link is incomplete or damaged.");
  }
  let parsed: ProvisioningRequest;
  try {
    parsed = requestSchema.parse(JSON.parse(await open(value, CONTEXT)));
  } catch {
    throw new ProvisioningLinkError("invalid", "This provisioning link is not valid: it was altered, or it was not made by this server.");
  }
  if (parsed.exp * 1000 <= now) {
    throw new ProvisioningLinkError("expired", "This provisioning link has expired. Ask your AI client to try again; it will give you a fresh link.");
  }
  return parsed;
}

/** Marks the link used; a second use fails. */
export async function consumeProvisioningRequest(request: ProvisioningRequest): Promise<void> {
  const prisma = await db();
  const inserted = await prisma.$executeRaw`
    INSERT INTO used_provisioning_requests (jti, expires_at) VALUES (${request.jti}, ${new Date(request.exp * 1000)})
    ON CONFLICT (jti) DO NOTHING`;
  if (inserted === 0) {
    throw new ProvisioningLinkError("used", "This provisioning link was already used. Ask your AI client for a fresh one if you still need to grant access.");
  }
}
