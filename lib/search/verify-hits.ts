/**
 * Verify on read: before nc_search returns a hit, it is checked against
 * Nextcloud with the caller's own session token (RFC 8693 exchange, never a
 * background token), so the index can never show more than the caller may
 * see now. A note is read (GET /notes/{id}); a file or folder is stat'ed
 * (PROPFIND depth 0); a calendar event or a contact is read (GET on its
 * CalDAV/CardDAV object, RFC 4791 §5.3.4 / RFC 6352 §6.3.2); a Deck card is
 * read by board, stack and card (Deck answers 403 once the caller is no
 * longer on the board; an archived or deleted card counts as gone). A hit is dropped when Nextcloud no longer has it or
 * refuses it, or when it changed since it was indexed (its etag differs; a
 * folder's etag changes with anything below it, so for folders only
 * existence counts); a dropped hit's source is re-synced. A hit that cannot
 * be checked (Nextcloud unavailable) is dropped too, and not re-synced.
 */
import type { SessionNextcloudToken } from "@/lib/tokens/token-types";
import type { NextcloudCredential } from "@/lib/nextcloud/nextcloud-credential";
import { bareEtag } from "@/lib/nextcloud/etag";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { getCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { getCard } from "@/lib/nextcloud/carddav/carddav-client";
import { getCard as getDeckCard } from "@/lib/nextcloud/deck-client";
import { getNote } from "@/lib/nextcloud/notes-client";
import { DEFAULT_RETRY_POLICY } from "@/lib/nextcloud/retry-policy";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import { statItem } from "@/lib/nextcloud/webdav-client";
import type { SearchHit } from "./index-store";
import { splitDavItemId } from "./dav-item-id";
import { deckCardEtag, splitDeckItemId } from "./sync-deck";
import { fileVersion } from "./sync-files";

export type Verdict = "current" | "stale" | "unverified";

const bare = (etag: string | null) => (etag === null ? null : bareEtag(etag));

async function check(connection: NextcloudConnection, hit: SearchHit): Promise<Verdict> {
  try {
    if (hit.source === "notes") {
      const note = await getNote(connection, Number(hit.itemId));
      return bare(note.etag) === bare(hit.etag) ? "current" : "stale";
    }
    if (hit.source === "calendar" || hit.source === "contacts") {
      const at = splitDavItemId(hit.itemId);
      if (!at) return "stale";
      const item = hit.source === "calendar" ? await getCalendarObject(connection, at.collection, at.file) : await getCard(connection, at.collection, at.file);
      return bare(item.etag) === bare(hit.etag) ? "current" : "stale";
    }
    if (hit.source === "deck") {
      const at = splitDeckItemId(hit.itemId);
      if (!at) return "stale";
      const card = await getDeckCard(connection, at.boardId, at.stackId, at.cardId);
      if (card.archived || card.deletedAt) return "stale";
      return bare(deckCardEtag(card)) === bare(hit.etag) ? "current" : "stale";
    }
    const folder = hit.itemId.endsWith("/");
    const entry = await statItem(connection, folder ? hit.itemId.slice(0, -1) || "/" : hit.itemId);
    if (entry.type !== (folder ? "directory" : "file")) return "stale";
    return folder || fileVersion(entry) === hit.etag ? "current" : "stale";
  } catch (error) {
    if (error instanceof NextcloudRequestError && (error.failure === "not_found" || error.failure === "forbidden" || error.failure === "unauthorized")) return "stale";
    if (error instanceof NextcloudRequestError) return "unverified";
    throw error;
  }
}

/** Each hit's verdict, checked a few at a time. */
/** `access`: the call's session token, and in app-password mode its opaque credential (define-nextcloud-tool.ts connectionOf). */
export async function verifyHits(access: { token: SessionNextcloudToken; credential?: NextcloudCredential }, hits: readonly SearchHit[], signal?: AbortSignal, concurrency = 4): Promise<Verdict[]> {
  const { token, credential } = access;
  // One attempt, a short timeout: a search waits for its checks, and an unchecked hit is dropped anyway.
  const connection: NextcloudConnection = { token, credential, signal, timeoutMs: 5_000, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 } };
  const verdicts: Verdict[] = new Array(hits.length);
  let next = 0;
  async function worker() {
    while (next < hits.length) {
      const i = next++;
      verdicts[i] = await check(connection, hits[i]!);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, hits.length) }, worker));
  return verdicts;
}
