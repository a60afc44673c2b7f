/**
 * An entity tag without its weak prefix and its quotes (RFC 9110 §8.8.3): Nextcloud gives the same tag
 * quoted in ETag headers and getetag properties, and bare in the Notes app's JSON.
 */
export function bareEtag(etag: string): string {
  return etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
}
