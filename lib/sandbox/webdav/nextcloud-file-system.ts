/**
 * One user's files in the sandbox: webdav-server's in-memory file system
 * (a real WebDAV implementation does the protocol) with what Nextcloud adds:
 *
 * - a file id per item (oc:fileid, oc:id) that survives a move, and is new
 *   for a copy;
 * - a file's etag derived from its file id and its modification time in
 *   whole seconds: a rewrite within the same second keeps the etag (measured
 *   on Nextcloud 32, so conflict detection on files is second-precise there
 *   too); a folder's etag is new on every change below it (propagation);
 * - Nextcloud's live properties in its namespaces — oc:size (a folder's is
 *   the tree's size), oc:permissions, oc:owner-id, nc:has-preview — which
 *   PROPPATCH cannot change (403), and oc:favorite ("0"/"1"), which it can.
 *
 * webdav-server names a property by namespace URI + local name and writes
 * the URI back with a ":" appended, which breaks namespaces such as
 * http://owncloud.org/ns. So Nextcloud's properties are named "oc:fileid",
 * "nc:has-preview" here and carry their xmlns declaration as an attribute;
 * the route (serve-user-files.ts) rewrites the oc:/nc: namespace URIs of
 * request bodies to "oc:"/"nc:" so requested names match.
 */
import { createHash, randomBytes } from "node:crypto";
import { v2 } from "webdav-server";

/** Property-name prefixes (see the file comment) and the namespaces they stand for. */
export const OC = "oc:";
export const NC = "nc:";
const NAMESPACES: Record<string, string> = { oc: "http://owncloud.org/ns", nc: "http://nextcloud.org/ns" };
const INSTANCE_ID = "ocsandbox";

type Resource = v2.VirtualFileSystemResource;

export interface TreeItem {
  path: string;
  isDirectory: boolean;
  size: number;
  lastModified: number;
  etag: string;
  fileId: number;
  favorite: boolean;
}
interface Meta {
  fileId: number;
  etag: string;
}

/** The declaration an "oc:"/"nc:" property element needs to be valid XML on its own. */
function xmlns(name: string): Record<string, string> {
  const prefix = name.slice(0, name.indexOf(":"));
  return NAMESPACES[prefix] ? { [`xmlns:${prefix}`]: NAMESPACES[prefix]! } : {};
}

/** A PROPPATCH value arrives as XML nodes; the text of them. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value)) return value.map((node) => (node && typeof node === "object" && "text" in node ? String((node as { text: unknown }).text) : "")).join("").trim();
  return "";
}

const newEtag = () => `"${randomBytes(12).toString("hex")}"`;
/** Same file, same second: same etag. */
const fileEtag = (fileId: number, mtimeMs: number) => `"${createHash("md5").update(`${INSTANCE_ID}:${fileId}:${Math.floor(mtimeMs / 1000)}`).digest("hex")}"`;
const LIVE = new Set([`${OC}fileid`, `${OC}id`, `${OC}size`, `${OC}permissions`, `${OC}owner-id`, `${NC}has-preview`]);

export class NextcloudFileSystem extends v2.VirtualFileSystem {
  private readonly meta = new WeakMap<Resource, Meta>();

  constructor(
    readonly ownerId: string,
    private readonly allocateFileId: () => number,
  ) {
    super();
    this.stamp(this.resources["/"]!);
  }

  private stamp(resource: Resource): Meta {
    let meta = this.meta.get(resource);
    if (!meta) {
      meta = { fileId: this.allocateFileId(), etag: newEtag() };
      this.meta.set(resource, meta);
    }
    return meta;
  }

  /** A new etag for `path` (second-granular for a file) and every folder above it (Nextcloud's etag propagation). */
  touch(path: string): void {
    const segments = path.split("/").filter(Boolean);
    for (let n = segments.length; n >= 0; n--) {
      const resource = this.resources[`/${segments.slice(0, n).join("/")}`];
      if (!resource) continue;
      const meta = this.stamp(resource);
      meta.etag = resource.type.isFile ? fileEtag(meta.fileId, Date.now()) : newEtag();
    }
  }

  /** Metadata of the item at a decoded path such as "/a/b.txt", for response headers and If-Match. */
  describe(path: string): { etag: string; fileId: number; isDirectory: boolean; size: number } | undefined {
    const key = path === "/" ? "/" : path.replace(/\/+$/, "");
    const resource = this.resources[key];
    if (!resource) return undefined;
    const meta = this.stamp(resource);
    return { etag: meta.etag, fileId: meta.fileId, isDirectory: resource.type.isDirectory, size: this.treeSize(key) };
  }

  /** Items below `path` (not itself), at most `depth` levels down, sorted by path. */
  listTree(path: string, depth: number): TreeItem[] {
    const base = path === "/" ? "" : path.replace(/\/+$/, "");
    const baseDepth = base.split("/").filter(Boolean).length;
    const items: TreeItem[] = [];
    for (const [key, resource] of Object.entries(this.resources)) {
      if (!key.startsWith(`${base}/`) || key === "/") continue;
      const level = key.split("/").filter(Boolean).length - baseDepth;
      if (level < 1 || level > depth) continue;
      const meta = this.stamp(resource);
      items.push({
        path: key,
        isDirectory: resource.type.isDirectory,
        size: resource.type.isDirectory ? this.treeSize(key) : resource.size,
        lastModified: resource.lastModifiedDate,
        etag: meta.etag,
        fileId: meta.fileId,
        favorite: resource.props.properties[`${OC}favorite`]?.value === "1",
      });
    }
    return items.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Bytes stored under `path` (all of the user's files for "/"). */
  treeSize(path = "/"): number {
    const prefix = path === "/" ? "/" : `${path}/`;
    let total = 0;
    for (const [key, resource] of Object.entries(this.resources)) {
      if ((key === path || key.startsWith(prefix)) && resource.type.isFile) total += resource.size;
    }
    return total;
  }

  protected override _create(path: v2.Path, ctx: v2.CreateInfo, callback: v2.SimpleCallback): void {
    super._create(path, ctx, (error) => {
      if (!error) this.touch(path.toString());
      callback(error);
    });
  }

  protected override _delete(path: v2.Path, ctx: v2.DeleteInfo, callback: v2.SimpleCallback): void {
    super._delete(path, ctx, (error) => {
      if (!error) this.touch(path.getParent().toString());
      callback(error);
    });
  }

  protected override _openWriteStream(path: v2.Path, ctx: v2.OpenWriteStreamInfo, callback: v2.ReturnCallback<import("node:stream").Writable>): void {
    super._openWriteStream(path, ctx, (error, stream) => {
      // Registered after the file system's own listener: content and size are final when this runs.
      stream?.on("finish", () => this.touch(path.toString()));
      callback(error, stream);
    });
  }

  /**
   * What MOVE and COPY check and clear first: the target's parent must be a
   * folder, an existing target needs Overwrite, and its whole subtree goes.
   * Returns whether the target existed, or the WebDAV error to answer.
   */
  private clearTarget(to: v2.Path, overwrite: boolean | undefined): { existed: boolean } | { error: Error } {
    const target = to.toString();
    if (!this.resources[to.getParent().toString()]?.type.isDirectory) return { error: v2.Errors.IntermediateResourceMissing };
    const existed = this.resources[target] !== undefined;
    if (existed && !overwrite) return { error: v2.Errors.ResourceAlreadyExists };
    for (const key of Object.keys(this.resources)) if (key === target || key.startsWith(`${target}/`)) delete this.resources[key];
    return { existed };
  }

  /** A rename of the whole subtree: the same resources (file ids, properties) under new keys. */
  protected _move(from: v2.Path, to: v2.Path, ctx: v2.MoveInfo, callback: v2.ReturnCallback<boolean>): void {
    const source = from.toString();
    const target = to.toString();
    const cleared = this.clearTarget(to, ctx.overwrite);
    if ("error" in cleared) return callback(cleared.error);
    const { existed } = cleared;
    for (const key of Object.keys(this.resources)) {
      if (key === source || key.startsWith(`${source}/`)) {
        this.resources[target + key.slice(source.length)] = this.resources[key]!;
        delete this.resources[key];
      }
    }
    this.touch(from.getParent().toString());
    this.touch(target);
    callback(undefined, existed);
  }

  /** A copy of the subtree with new file ids and etags (Nextcloud gives a copy its own identity). */
  protected _copy(from: v2.Path, to: v2.Path, ctx: v2.CopyInfo, callback: v2.ReturnCallback<boolean>): void {
    const source = from.toString();
    const target = to.toString();
    const cleared = this.clearTarget(to, ctx.overwrite);
    if ("error" in cleared) return callback(cleared.error);
    const { existed } = cleared;
    for (const [key, original] of Object.entries(this.resources)) {
      if (key !== source && !(ctx.depth !== 0 && key.startsWith(`${source}/`))) continue;
      const copy = new v2.VirtualFileSystemResource(original.type);
      copy.content = original.content.map((chunk) => Buffer.from(chunk));
      copy.size = original.size;
      copy.props.properties = JSON.parse(JSON.stringify(original.props.properties)) as v2.PropertyBag;
      this.resources[target + key.slice(source.length)] = copy;
    }
    this.touch(target);
    callback(undefined, existed);
  }

  protected override _propertyManager(path: v2.Path, ctx: v2.PropertyManagerInfo, callback: v2.ReturnCallback<v2.IPropertyManager>): void {
    const key = path.toString();
    const resource = this.resources[key];
    if (!resource) return callback(v2.Errors.ResourceNotFound);
    const meta = this.stamp(resource);
    const stored = resource.props;
    const live = (): v2.PropertyBag => ({
      [`${OC}fileid`]: { value: String(meta.fileId), attributes: xmlns(`${OC}fileid`) },
      [`${OC}id`]: { value: `${String(meta.fileId).padStart(8, "0")}${INSTANCE_ID}`, attributes: xmlns(`${OC}id`) },
      [`${OC}size`]: { value: String(this.treeSize(key)), attributes: xmlns(`${OC}size`) },
      [`${OC}permissions`]: { value: resource.type.isDirectory ? "RGDNVCK" : "RGDNVW", attributes: xmlns(`${OC}permissions`) },
      [`${OC}owner-id`]: { value: this.ownerId, attributes: xmlns(`${OC}owner-id`) },
      [`${NC}has-preview`]: { value: "false", attributes: xmlns(`${NC}has-preview`) },
    });
    callback(undefined, {
      setProperty(name, value, attributes, done) {
        if (LIVE.has(name)) return done(v2.Errors.Forbidden);
        if (name === `${OC}favorite`) {
          const flag = textOf(value);
          if (flag !== "0" && flag !== "1") return done(v2.Errors.Forbidden);
          return stored.setProperty(name, flag, {}, done);
        }
        stored.setProperty(name, value, attributes, done);
      },
      getProperty(name, done) {
        const value = live()[name];
        if (value) return done(undefined, value.value, value.attributes);
        if (name === `${OC}favorite` && !stored.properties[name]) return done(undefined, "0", xmlns(name));
        stored.getProperty(name, done);
      },
      removeProperty(name, done) {
        if (LIVE.has(name)) return done(v2.Errors.Forbidden);
        stored.removeProperty(name, done);
      },
      getProperties(done, byCopy) {
        stored.getProperties((error, bag) => {
          if (error) return done(error);
          const merged: v2.PropertyBag = { [`${OC}favorite`]: { value: "0", attributes: {} }, ...bag, ...live() };
          for (const [name, property] of Object.entries(merged)) property.attributes = { ...property.attributes, ...xmlns(name) };
          done(undefined, merged);
        }, byCopy);
      },
    });
  }

  protected override _etag(path: v2.Path, _ctx: v2.ETagInfo, callback: v2.ReturnCallback<string>): void {
    const resource = this.resources[path.toString()];
    if (!resource) return callback(v2.Errors.ResourceNotFound);
    callback(undefined, this.stamp(resource).etag);
  }
}
