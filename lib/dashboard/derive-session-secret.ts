/**
 * The dashboard's session secret (next-auth signs and encrypts its session
 * cookie with keys derived from it). It is derived, with HKDF-SHA256 (RFC
 * 5869), from a random root generated once and stored sealed in the database
 * (lib/idp/sealed-settings): every process on the same database derives the
 * same secret, no environment variable is needed, and the root never leaves
 * the envelope in clear at rest.
 */
import { hkdfSync, randomBytes } from "node:crypto";
import { getOrCreateSealedSetting } from "@/lib/idp/sealed-settings";
import { processWideAsync } from "@/lib/process-wide";

export const SESSION_SECRET_SETTING = "dashboard.session-secret-root";
const INFO = "nextcloud-mcp dashboard session (next-auth)";

export function deriveSessionSecret(): Promise<string> {
  return processWideAsync("dashboard-session-secret", async () => {
    const root = await getOrCreateSealedSetting(SESSION_SECRET_SETTING, () => randomBytes(32).toString("base64url"));
    return Buffer.from(hkdfSync("sha256", Buffer.from(root, "base64url"), Buffer.alloc(0), INFO, 32)).toString("base64url");
  });
}
