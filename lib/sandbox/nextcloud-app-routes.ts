/**
 * The Nextcloud apps the sandbox serves besides the OCS user endpoint:
 * Notes API v1 (notes and settings) and WebDAV files (plus the DAV root for the current user and
 * SEARCH). Ids come from one counter, as Nextcloud's file ids (a note is a
 * file there) are unique across the instance. `seed` gives a user the demo
 * notes and files (demo-data.ts).
 */
import type { SandboxRoute } from "./route-table";
import type { SandboxUsers } from "./sandbox-users";
import { DEMO_FILES, DEMO_NOTES } from "./demo-data";
import { notesRoute } from "./notes/notes-route";
import { notesSettingsRoute } from "./notes/notes-settings-route";
import { NotesStore } from "./notes/notes-store";
import { davRootRoute } from "./webdav/dav-root-route";
import { userFilesRoute } from "./webdav/serve-user-files";
import { UserFileServers } from "./webdav/user-file-servers";

export interface NextcloudApps {
  routes: SandboxRoute[];
  /** Gives each user (uid) the demo notes and files, unless they already have notes. */
  seed(userIds: readonly string[]): Promise<void>;
}

export function nextcloudAppRoutes(users: SandboxUsers): NextcloudApps {
  let lastId = 100;
  const allocateId = () => ++lastId;
  const servers = new UserFileServers(allocateId);
  const notes = new NotesStore(allocateId);
  return {
    routes: [notesRoute(users, notes), notesSettingsRoute(), userFilesRoute(users, servers), davRootRoute(servers)],
    async seed(userIds) {
      for (const id of userIds) {
        if (notes.list(id).length > 0) continue;
        users.ensure(id);
        for (const note of DEMO_NOTES) notes.create(id, note);
        const files = servers.get(id);
        await files.fs.addSubTreeAsync(files.server.createExternalContext(), DEMO_FILES as never);
      }
    },
  };
}
