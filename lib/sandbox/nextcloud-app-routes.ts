/**
 * The Nextcloud apps the sandbox serves besides the OCS user endpoint:
 * Notes API v1 and WebDAV files (plus the DAV root for the current user and
 * SEARCH). Ids come from one counter, as Nextcloud's file ids (a note is a
 * file there) are unique across the instance.
 */
import type { SandboxRoute } from "./route-table";
import type { SandboxUsers } from "./sandbox-users";
import { notesRoute } from "./notes/notes-route";
import { davRootRoute } from "./webdav/dav-root-route";
import { userFilesRoute } from "./webdav/serve-user-files";
import { UserFileServers } from "./webdav/user-file-servers";

export function nextcloudAppRoutes(users: SandboxUsers): SandboxRoute[] {
  let lastId = 100;
  const allocateId = () => ++lastId;
  const servers = new UserFileServers(allocateId);
  return [notesRoute(users, allocateId), userFilesRoute(users, servers), davRootRoute(servers)];
}
