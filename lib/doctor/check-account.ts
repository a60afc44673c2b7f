/**
 * Only when an admin names an account: does Nextcloud accept this server's
 * tokens? A short-lived Nextcloud token for that account comes from its
 * stored Flow 2 grant through the background path (refresh grant, RFC 6749
 * §6, read-only scopes only, lib/jobs/diagnostic-token.ts), and is used
 * for one read-only request per API: OCS (the user endpoint), WebDAV (a
 * PROPFIND of the root) and Notes (one note). The token is never printed,
 * logged or stored; it expires on its own (EXCHANGE_TOKEN_TTL at most).
 */
import { findAccountByUsername } from "@/lib/accounts";
import type { NextcloudToken } from "@/lib/tokens/token-types";
import type { Config } from "@/lib/config";
import { DIAGNOSTIC_SCOPES, diagnosticNextcloudToken } from "@/lib/jobs/diagnostic-token";
import { getCurrentUser } from "@/lib/nextcloud/get-current-user";
import { listNotes } from "@/lib/nextcloud/notes-client";
import { statItem } from "@/lib/nextcloud/webdav-client";
import { getGrant } from "@/lib/provisioning/grant-store";
import { error, ok, reasonOf, warning, type DoctorLine } from "./report";

const PROBES: { check: string; scope: (typeof DIAGNOSTIC_SCOPES)[number]; what: string; run: (token: NextcloudToken) => Promise<unknown> }[] = [
  { check: "account.ocs", scope: "account.read", what: "OCS user endpoint", run: (token) => getCurrentUser({ token }) },
  { check: "account.webdav", scope: "files.read", what: "WebDAV", run: (token) => statItem({ token }, "/") },
  { check: "account.notes", scope: "notes.read", what: "Notes API", run: (token) => listNotes({ token }, { chunkSize: 1, exclude: ["content"] }) },
];

const REJECTED_FIX = "Nextcloud refused this server's token: check user_oidc (occ user_oidc:provider with --check-bearer=1 and this IdP's issuer, Nextcloud 30+) and that NEXTCLOUD_AUDIENCE is the audience it expects.";

export async function checkAccount(config: Config, username: string): Promise<DoctorLine[]> {
  const account = await findAccountByUsername(username);
  if (!account) return [error("account", `no active account named "${username.replace(/[^\w.@-]/g, "?")}"`, "Name an account from npm run user:list (or the dashboard) that is not disabled.")];
  const grant = await getGrant(account.id, config.NEXTCLOUD_AUDIENCE);
  if (!grant?.active) return [warning("account", `"${account.username}" has not provisioned Nextcloud access (or it was revoked)`, "Let that person call a Nextcloud tool once and open the provisioning link, then run the check again.")];
  const scopes = PROBES.map((p) => p.scope).filter((s) => grant.scopes.includes(s));
  if (scopes.length === 0) return [warning("account", `"${account.username}"'s grant holds no read scope to test with`, "Grant account.read, files.read or notes.read at provisioning.")];

  let token: NextcloudToken;
  try {
    token = await diagnosticNextcloudToken(account.id, scopes);
  } catch (cause) {
    return [error("account.token", `no Nextcloud token for "${account.username}": ${reasonOf(cause)}`, "Check the IdP (lines above); if the grant was revoked there, the person provisions again.")];
  }
  const lines: DoctorLine[] = [ok("account.token", `a Nextcloud token for "${account.username}" (scopes ${scopes.join(" ")}, short-lived, not stored)`)];
  for (const probe of PROBES) {
    if (!scopes.includes(probe.scope)) {
      lines.push(warning(probe.check, `${probe.what} not tested: the grant lacks ${probe.scope}`, `Grant ${probe.scope} at provisioning to test it.`));
      continue;
    }
    try {
      await probe.run(token);
      lines.push(ok(probe.check, `${probe.what} accepts this server's token`));
    } catch (cause) {
      const status = (cause as { status?: number }).status;
      lines.push(error(probe.check, `${probe.what} refused: ${reasonOf(cause)}`, status === 401 ? REJECTED_FIX : "See the reason; the matching tools fail the same way."));
    }
  }
  return lines;
}
