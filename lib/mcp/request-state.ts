/**
 * `requestState` for MCP 2026-07-28 multi-round-trip tool calls
 * (basic/patterns/mrtr): when a tool answers `resultType: "input_required"`
 * (here: "grant Nextcloud access first"), the client retries the same call
 * with the state echoed byte for byte. The state round-trips through the
 * client, so it is untrusted input (the spec's server requirements 4–5:
 * integrity-protect state that influences authorization, reject it when
 * verification fails). This server keeps no session: the state is a compact
 * JWE (lib/crypto/envelope, the key ring's current key) that
 *  - is bound to the caller: its envelope context is a hash of the user
 *    (`sub`) and the OAuth client, so another user's or client's retry does
 *    not decrypt (and the context header reveals neither);
 *  - names the tool it was minted for (a retry of another tool is refused);
 *  - expires after REQUEST_STATE_TTL_SECONDS, the provisioning link's own
 *    lifetime (lib/provisioning/provisioning-link.ts).
 * A refused state is answered by the SDK with JSON-RPC -32602
 * "Invalid or expired requestState" before any tool code runs.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { open, seal } from "@/lib/crypto/envelope";
import { getKeyRing, type KeyRing } from "@/lib/crypto/key-ring";
import type { CallerIdentity } from "./caller";

export const REQUEST_STATE_TTL_SECONDS = 600;

const payloadSchema = z.object({
  v: z.literal(1),
  /** The tool the state was minted for. */
  tool: z.string().min(1).max(64),
  /** Why the call paused; only provisioning today. */
  phase: z.literal("provisioning"),
  /** Seconds since the epoch. */
  exp: z.number().int().positive(),
});

export type RequestState = z.output<typeof payloadSchema>;

export class RequestStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RequestStateError";
  }
}

function contextFor(caller: Pick<CallerIdentity, "sub" | "clientId">): string {
  const principal = createHash("sha256").update(`${caller.sub}\u0000${caller.clientId}`).digest("base64url");
  return `mcp-request-state:${principal}`;
}

export async function mintRequestState(caller: Pick<CallerIdentity, "sub" | "clientId">, tool: string, now = Date.now(), ring: KeyRing = getKeyRing()): Promise<string> {
  const payload: RequestState = { v: 1, tool, phase: "provisioning", exp: Math.floor(now / 1000) + REQUEST_STATE_TTL_SECONDS };
  return (await seal(JSON.stringify(payload), contextFor(caller), ring)).ciphertext;
}

/** The state's payload when it was minted for this caller and tool and has not expired; throws otherwise. */
export async function verifyRequestState(state: string, caller: Pick<CallerIdentity, "sub" | "clientId">, tool: string | undefined, now = Date.now(), ring: KeyRing = getKeyRing()): Promise<RequestState> {
  if (state.length > 4096) throw new RequestStateError("requestState is too long");
  let plaintext: string;
  try {
    plaintext = await open(state, contextFor(caller), ring);
  } catch {
    throw new RequestStateError("requestState was not minted for this caller");
  }
  let parsed: RequestState;
  try {
    parsed = payloadSchema.parse(JSON.parse(plaintext));
  } catch {
    throw new RequestStateError("requestState has an unknown shape");
  }
  if (parsed.exp * 1000 <= now) throw new RequestStateError("requestState has expired");
  if (tool !== undefined && parsed.tool !== tool) throw new RequestStateError(`requestState was minted for ${parsed.tool}, not ${tool}`);
  return parsed;
}
