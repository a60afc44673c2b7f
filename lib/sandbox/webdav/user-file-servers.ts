/**
 * One webdav-server instance per sandbox user, each with its own file
 * system: a user's requests are executed by a server that holds no other
 * user's tree, so no path, however crafted, can reach someone else's files.
 * Writes of one user are serialised (the If-Match check and the write
 * happen as one step, as in Nextcloud's locking).
 */
import { v2 } from "webdav-server";
import { NextcloudFileSystem } from "./nextcloud-file-system";

// webdav-server writes hrefs with encodeURI, which leaves "#", "?" and "&"
// in names unencoded (a file "a#1.md" would come back as "a"). Nextcloud
// (sabre) encodes each path segment: do the same, for every instance.
v2.HTTPRequestContext.encodeURL = (url: string) => url.split("/").map((segment) => encodeURIComponent(segment)).join("/");

export interface UserFiles {
  server: v2.WebDAVServer;
  fs: NextcloudFileSystem;
  /** Runs `task` after every earlier write of this user finished. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

export class UserFileServers {
  private readonly byUser = new Map<string, UserFiles>();

  constructor(private readonly allocateFileId: () => number) {}

  get(userId: string): UserFiles {
    const existing = this.byUser.get(userId);
    if (existing) return existing;
    const fs = new NextcloudFileSystem(userId, this.allocateFileId);
    const server = new v2.WebDAVServer({
      rootFileSystem: fs,
      // Hrefs as paths (/remote.php/dav/files/alice/…), as Nextcloud sends them.
      respondWithPaths: true,
      // Nextcloud refuses Depth: infinity PROPFIND; so does this server (403).
      maxRequestDepth: 1,
      serverName: "nextcloud-sandbox",
      version: "webdav-server",
    });
    let tail: Promise<unknown> = Promise.resolve();
    const files: UserFiles = {
      server,
      fs,
      exclusive<T>(task: () => Promise<T>): Promise<T> {
        const run = tail.then(task, task);
        tail = run.catch(() => undefined);
        return run;
      },
    };
    this.byUser.set(userId, files);
    return files;
  }

  /** Bytes in a user's files (for the quota), 0 for a user who never used WebDAV. */
  usedBytes(userId: string): number {
    return this.byUser.get(userId)?.fs.treeSize() ?? 0;
  }
}
