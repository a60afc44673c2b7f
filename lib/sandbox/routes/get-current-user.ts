/**
 * `GET /ocs/v2.php/cloud/user` — the provisioning API's "current user", in
 * the shape Nextcloud answers it (provisioning_api UsersController), for the
 * token's user. Needs `account.read`.
 */
import type { SandboxUser } from "../sandbox-users";
import { ocsFormat, sendOcs, sendOcsError } from "../ocs-response";
import type { SandboxRoute } from "../route-table";

export function currentUserData(user: SandboxUser, usedBytes: number) {
  const quota = user.quotaBytes;
  const used = Math.min(usedBytes, quota);
  const free = Math.max(quota - used, 0);
  const total = free + used;
  return {
    enabled: true,
    storageLocation: `/var/www/html/data/${user.id}`,
    id: user.id,
    lastLogin: user.lastLogin,
    backend: "user_oidc",
    subadmin: [],
    quota: {
      free,
      used,
      total,
      // Nextcloud rounds the percentage to two decimals.
      relative: total > 0 ? Math.round((used / total) * 10_000) / 100 : 0,
      quota,
    },
    manager: "",
    email: user.email,
    additional_mail: [],
    displayname: user.displayName,
    "display-name": user.displayName,
    phone: "",
    address: "",
    website: "",
    twitter: "",
    fediverse: "",
    organisation: "",
    role: "",
    headline: "",
    biography: "",
    profile_enabled: "1",
    groups: user.groups,
    language: "en",
    locale: "",
    notify_email: null,
    backendCapabilities: { setDisplayName: false, setPassword: false },
  };
}

export const getCurrentUserRoute: SandboxRoute = {
  name: "OCS current user",
  path: "/ocs/v2.php/cloud/user",
  match: "exact",
  scopes: { GET: ["account.read"] },
  requireOcsHeader: true,
  sendError: sendOcsError,
  handle({ req, res, url, user, users }) {
    sendOcs(res, ocsFormat(url, req), { httpStatus: 200, statuscode: 200, data: currentUserData(user, users.usedBytes(user.id)) });
  },
};
