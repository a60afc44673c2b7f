/**
 * Paths inside the user's Nextcloud files, as tools receive them from a
 * model ("Documents/a.md", "/Photos/", "Reports%202024/q1.pdf"), made safe
 * before they become a WebDAV URL under /remote.php/dav/files/{user}/:
 *
 * - relative to the user's root; a leading "/" is optional;
 * - "." segments and repeated slashes collapse; ".." is refused outright
 *   (also when percent-encoded, "%2e%2e") rather than resolved, so no input
 *   can climb out of the user's root or into another user's tree;
 * - absolute URLs ("https://…", "//host/…"), backslashes, NUL and control
 *   characters are refused;
 * - percent-encoding is decoded once (a path copied from a WebDAV href
 *   works) when every "%" in a name starts an escape; a name with a bare
 *   "%" ("100%.txt") is taken literally; escapes that decode to invalid
 *   UTF-8 are refused, and so is an encoded "/" inside a name (it would
 *   change the segments after decoding);
 * - each segment is then encoded with encodeURIComponent for the URL.
 */
import { NextcloudRequestError } from "./nextcloud-request";

export const MAX_PATH_LENGTH = 4096;
const MAX_SEGMENT_LENGTH = 255;

export class InvalidPathError extends NextcloudRequestError {
  constructor(reason: string) {
    super("invalid", `Invalid path: ${reason}.`);
    this.name = "InvalidPathError";
  }
}

/** Segments of a safe path; [] is the user's root. */
export function normalizeDavPath(input: string): string[] {
  if (typeof input !== "string") throw new InvalidPathError("a path must be text");
  if (input.length > MAX_PATH_LENGTH) throw new InvalidPathError(`longer than ${MAX_PATH_LENGTH} characters`);
  const trimmed = input.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith("//")) throw new InvalidPathError("give a path inside your Nextcloud files, not a URL");
  if (trimmed.includes("\\")) throw new InvalidPathError("use / to separate folders, not \\");
  const segments: string[] = [];
  for (const raw of trimmed.split("/")) {
    if (raw === "" || raw === ".") continue;
    let segment = raw;
    // Decode when every "%" starts an escape (a name copied from a URL); a bare "%" ("100%.txt") is literal.
    if (/%[0-9a-f]{2}/i.test(raw) && !/%(?![0-9a-f]{2})/i.test(raw)) {
      try {
        segment = decodeURIComponent(raw);
      } catch {
        throw new InvalidPathError(`"${raw.slice(0, 40)}" has a malformed percent-escape`);
      }
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(segment)) throw new InvalidPathError("control characters are not allowed");
    if (segment.includes("/") || segment.includes("\\")) throw new InvalidPathError("an encoded / or \\ is not allowed in a name");
    if (segment === "..") throw new InvalidPathError('".." is not allowed; give the full path from your root');
    if (segment === ".") continue;
    if (segment.length > MAX_SEGMENT_LENGTH) throw new InvalidPathError(`a name is longer than ${MAX_SEGMENT_LENGTH} characters`);
    segments.push(segment);
  }
  return segments;
}

/** "/a/b.md" (or "/" for the root): the normalised path as people read it. */
export function displayDavPath(segments: readonly string[]): string {
  return `/${segments.join("/")}`;
}

/** The percent-encoded URL path of `segments` under `/remote.php/dav/files/{user}`; collections end with "/". */
export function davFilesUrlPath(userId: string, segments: readonly string[], collection = false): string {
  const encoded = segments.map((s) => encodeURIComponent(s)).join("/");
  const base = `/remote.php/dav/files/${encodeURIComponent(userId)}`;
  if (segments.length === 0) return `${base}/`;
  return `${base}/${encoded}${collection ? "/" : ""}`;
}

/**
 * The path below the user's root of an href from a multistatus answer, or
 * undefined when the href lies outside that root (it is then ignored).
 */
export function segmentsFromHref(href: string, userId: string): string[] | undefined {
  let segments: string[];
  try {
    segments = new URL(href, "http://nextcloud.invalid").pathname
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  // Nextcloud may live under a sub-path (https://host/nextcloud/remote.php/…): find the files root.
  for (let i = 0; i + 3 < segments.length; i++) {
    if (segments[i] === "remote.php" && segments[i + 1] === "dav" && segments[i + 2] === "files" && segments[i + 3] === userId) {
      const rest = segments.slice(i + 4);
      return rest.some((s) => s === ".." || s === "." || s.includes("/")) ? undefined : rest;
    }
  }
  return undefined;
}
