/**
 * `GET /ocs/v2.php/cloud/capabilities` (Nextcloud's OCS "Capabilities API"):
 * the server version and one entry per enabled app that publishes
 * capabilities. As on Nextcloud, an anonymous request sees only the public
 * ones (IPublicCapability: core, theming here); a logged-in user sees all,
 * including `notes`, `deck` and `files_sharing` while they are enabled
 * (sandbox-apps.ts). Any valid token may read it (no scope needed).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ocsFormat, sendOcs, sendOcsError } from "../ocs-response";
import type { SandboxRoute } from "../route-table";
import type { SandboxApps } from "../sandbox-apps";

export const CAPABILITIES_PATH = "/ocs/v2.php/cloud/capabilities";

const VERSION = { major: 32, minor: 0, micro: 1, string: "32.0.1", edition: "", extendedSupport: false };

function publicCapabilities() {
  return {
    core: { pollinterval: 60, "webdav-root": "remote.php/webdav", "reference-api": true, "mod-rewrite-working": false },
    theming: { name: "Nextcloud sandbox", url: "https://nextcloud.com", slogan: "a safe home for all your data (sandbox)", color: "#0082c9" },
  };
}

function userCapabilities(apps: SandboxApps) {
  return {
    ...publicCapabilities(),
    files: { bigfilechunking: true, undelete: true, versioning: true },
    dav: { chunking: "1.0", bulkupload: "1.0" },
    ...(apps.isEnabled("notes") ? { notes: { api_version: ["0.2", "1.3"], version: "5.0.2" } } : {}),
    ...(apps.isEnabled("deck") ? { deck: { version: "1.15.0", canCreateBoards: true, apiVersions: ["1.0", "1.1"] } } : {}),
    ...(apps.isEnabled("files_sharing")
      ? {
          files_sharing: {
            api_enabled: true,
            public: { enabled: true, password: { enforced: false, askForOptionalPassword: false }, expire_date: { enabled: false }, multiple_links: true, upload: true, send_mail: false },
            user: { send_mail: false, expire_date: { enabled: true } },
            group_sharing: true,
            group: { enabled: true, expire_date: { enabled: true } },
            resharing: true,
            default_permissions: 31,
          },
        }
      : {}),
  };
}

/** Anonymous requests: answered before the bearer front (Nextcloud needs no login here). */
export function sendPublicCapabilities(req: IncomingMessage, res: ServerResponse, url: URL): void {
  sendOcs(res, ocsFormat(url, req), { httpStatus: 200, statuscode: 200, data: { version: VERSION, capabilities: publicCapabilities() } });
}

export function capabilitiesRoute(apps: SandboxApps): SandboxRoute {
  return {
    name: "OCS capabilities",
    path: CAPABILITIES_PATH,
    match: "exact",
    scopes: { GET: [] },
    api: "ocs",
    sendError: sendOcsError,
    handle({ req, res, url }) {
      sendOcs(res, ocsFormat(url, req), { httpStatus: 200, statuscode: 200, data: { version: VERSION, capabilities: userCapabilities(apps) } });
    },
  };
}
