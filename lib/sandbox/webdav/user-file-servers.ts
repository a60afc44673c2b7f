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

/** An item another user shared with this one (sharing/shares-route.ts): the owner's path to it. */
export interface IncomingShare {
  owner: string;
  /** Decoded path in the owner's files, e.g. "/Docs/plan.md". */
  path: string;
  /** Nextcloud's permission bits (1 read, 2 update, 4 create, 8 delete, 16 share). */
  permissions: number;
}

/** An incoming share as the recipient sees it: a name in their root (Nextcloud's default share_folder "/"). */
export interface ShareMount extends IncomingShare {
  name: string;
}

/** "plan.md" taken → "plan (2).md", as Nextcloud's share target deduplication names it. */
function uniqueName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 2; ; n++) if (!taken(`${stem} (${n})${ext}`)) return `${stem} (${n})${ext}`;
}

export class UserFileServers {
  private readonly byUser = new Map<string, UserFiles>();
  private incoming: (userId: string) => IncomingShare[] = () => [];

  /** The OCS Share API registers where incoming shares come from. */
  setIncomingShares(source: (userId: string) => IncomingShare[]): void {
    this.incoming = source;
  }

  /**
   * What `userId` sees of items shared with them: each mounted in their root under the item's
   * name (deduplicated against their own items), as Nextcloud's files_sharing mounts a share at
   * its file_target. Items the owner no longer has are left out.
   */
  shareMounts(userId: string): ShareMount[] {
    const own = this.get(userId).fs;
    const used = new Set<string>();
    const mounts: ShareMount[] = [];
    for (const share of this.incoming(userId)) {
      if (share.owner === userId || !this.get(share.owner).fs.describe(share.path)) continue;
      const name = uniqueName(share.path.split("/").pop() ?? "", (candidate) => used.has(candidate) || own.describe(`/${candidate}`) !== undefined);
      used.add(name);
      mounts.push({ ...share, name });
    }
    return mounts;
  }

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
