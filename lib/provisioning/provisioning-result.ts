/**
 * The outcome of a provisioning step, carried to the result page
 * (/oauth/provisioning-result?result=…) as a sealed, ten-minute value: the
 * page shows only what this server concluded, and nobody can craft a link
 * that makes it claim a grant succeeded (or failed) when it did not.
 */
import { z } from "zod";
import { open, seal } from "@/lib/crypto/envelope";

const CONTEXT = "provisioning-result";
const TTL_SECONDS = 600;

export const RESULT_KINDS = [
  "provisioned",
  "link_invalid",
  "link_expired",
  "link_used",
  "nothing_chosen",
  "forbidden_origin",
  "state_unknown",
  "state_used",
  "state_expired",
  "denied",
  "idp_error",
  "wrong_account",
  "unavailable",
  "failed",
  "nextcloud_timeout",
  "nextcloud_cancelled",
  "nextcloud_account_refused",
  "nextcloud_unavailable",
] as const;

const resultSchema = z.object({
  kind: z.enum(RESULT_KINDS),
  /** provisioned: every Nextcloud scope the grant now holds. */
  scopes: z.array(z.string().max(100)).max(50).default([]),
  /** provisioned: the scopes this consent added. */
  added: z.array(z.string().max(100)).max(50).default([]),
  /** provisioned: scopes that were asked for but not granted. */
  missing: z.array(z.string().max(100)).max(50).default([]),
  /** The tool whose call led to the provisioning: the page tells the person (and the model) to call it again. */
  tool: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
  /** App-password mode: the Nextcloud login name connected (provisioned) or refused (nextcloud_account_refused). */
  nextcloudAccount: z.string().max(255).optional(),
  /** idp_error: the OAuth error code (RFC 6749 §4.1.2.1). */
  error: z.string().max(64).regex(/^[a-z_]+$/).optional(),
  exp: z.number().int(),
});

export type ProvisioningResult = Omit<z.input<typeof resultSchema>, "exp">;
export type ReadResult = z.output<typeof resultSchema>;

export async function sealProvisioningResult(result: ProvisioningResult, now = Date.now()): Promise<string> {
  const value = resultSchema.parse({ ...result, exp: Math.floor(now / 1000) + TTL_SECONDS });
  return (await seal(JSON.stringify(value), CONTEXT)).ciphertext;
}

/** undefined: missing, altered or expired — the page then says so instead. */
export async function openProvisioningResult(value: unknown, now = Date.now()): Promise<ReadResult | undefined> {
  if (typeof value !== "string" || value.length === 0 || value.length > 8192) return undefined;
  try {
    const parsed = resultSchema.parse(JSON.parse(await open(value, CONTEXT)));
    return parsed.exp * 1000 > now ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function resultPath(sealed: string): string {
  return `/oauth/provisioning-result?result=${encodeURIComponent(sealed)}`;
}
