/**
 * `GET /ocs/v2.php/cloud/user` — the provisioning API's "current user", in
 * the shape Nextcloud answers it (provisioning_api UsersController), for the
 * token's user. Needs `account.read`.
 */
import type { SandboxUser } from "../sandbox-users";

const SPACE_UNLIMITED = -3;
/** What an unlimited user's "free" shows: the (pretend) disk's free space. */
export const SANDBOX_DISK_FREE_BYTES = 100 * 1024 ** 3;
import { ocsFormat, sendOcs, sendOcsError } from "../ocs-response";
import type { SandboxRoute } from "../route-table";

export function currentUserData(user: SandboxUser, usedBytes: number) {
  // No quota: Nextcloud reports quota -3 (FileInfo::SPACE_UNLIMITED, measured on 32.0.1) and the
  // disk's free space as "free".
  const quota = user.quotaBytes ?? SPACE_UNLIMITED;
  const used = user.quotaBytes === null ? usedBytes : Math.min(usedBytes, user.quotaBytes);
  const free = user.quotaBytes === null ? SANDBOX_DISK_FREE_BYTES : Math.max(user.quotaBytes - used, 0);
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
  api: "ocs",
  sendError: sendOcsError,
  handle({ req, res, url, user, users }) {
    sendOcs(res, ocsFormat(url, req), { httpStatus: 200, statuscode: 200, data: currentUserData(user, users.usedBytes(user.id)) });
  },
};
