/**
 * The Deck source of the index: every card (not archived, not deleted) of
 * every board the user can see (nextcloud/deck docs/API.md), as its title
 * plus the board's and the list's (stack's) names and the description.
 *
 * Change detection is per board: a board's ETag changes whenever anything
 * on it changes (Deck propagates a card's or stack's change to its board;
 * the sandbox does the same, lib/sandbox/deck). A board whose ETag equals
 * the one kept in the cursor is not read again and its indexed cards stay;
 * a changed board's stacks are read (one request, cards included) and all
 * its cards rewritten, so a renamed board or list reaches every card. An
 * indexed card that a read board no longer holds, or whose board is gone
 * (deleted, or the user was removed from it), is deleted.
 *
 * Item ids are "<board>/<stack>/<card>" (what verify-hits.ts re-reads: Deck
 * addresses a card by board and stack); the etag is the card's own ETag.
 * Deck not installed (404 on the board list) indexes nothing.
 */
import { z } from "zod";
import { listBoards, listStacks, type DeckBoard, type DeckCard, type DeckStack } from "@/lib/nextcloud/deck-client";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { indexedEtags, type IndexedDocument } from "./index-store";
import type { SyncChanges, SyncInput } from "./sync-changes";

const cursorSchema = z.object({ boards: z.record(z.string(), z.string()) });

export const deckItemId = (boardId: number, stackId: number, cardId: number) => `${boardId}/${stackId}/${cardId}`;

/** The board, stack and card of an index id, or undefined when it has no such form. */
export function splitDeckItemId(itemId: string): { boardId: number; stackId: number; cardId: number } | undefined {
  const match = /^(\d{1,15})\/(\d{1,15})\/(\d{1,15})$/.exec(itemId);
  return match ? { boardId: Number(match[1]), stackId: Number(match[2]), cardId: Number(match[3]) } : undefined;
}

/** The card's change marker: Deck's ETag, else its lastModified. */
export const deckCardEtag = (card: Pick<DeckCard, "ETag" | "lastModified">) => card.ETag ?? String(card.lastModified);
const boardEtag = (board: DeckBoard) => board.ETag ?? (board.lastModified === undefined ? null : String(board.lastModified));
const live = (x: { deletedAt?: number }) => !x.deletedAt;

function document(board: DeckBoard, stack: DeckStack, card: DeckCard): IndexedDocument {
  const labels = card.labels.map((l) => l.title).join(", ");
  const body = [`Board: ${board.title}`, `List: ${stack.title}`, labels ? `Labels: ${labels}` : "", card.description].filter(Boolean).join("\n");
  return { itemId: deckItemId(board.id, stack.id, card.id), title: card.title || "(untitled card)", body, etag: deckCardEtag(card), lastModified: new Date(card.lastModified * 1000) };
}

async function boardsOf(input: SyncInput): Promise<DeckBoard[]> {
  try {
    return (await listBoards(input.connection)).filter(live);
  } catch (error) {
    if (error instanceof NextcloudRequestError && error.failure === "not_found") return []; // Deck is not installed (or was removed)
    throw error;
  }
}

export async function syncDeck(input: SyncInput): Promise<SyncChanges> {
  const stored = await indexedEtags(input.userId, "deck");
  const previous = cursorSchema.safeParse(input.cursor);
  const known = previous.success && stored.size > 0 ? previous.data.boards : {};
  const boards: Record<string, string> = {};
  const seen = new Set<string>();
  const upserts: IndexedDocument[] = [];
  const storedOn = (boardId: number) => [...stored.keys()].filter((key) => key.startsWith(`${boardId}/`));
  try {
    for (const board of await boardsOf(input)) {
      input.signal.throwIfAborted();
      const etag = boardEtag(board);
      if (etag !== null && known[String(board.id)] === etag) {
        for (const key of storedOn(board.id)) seen.add(key);
        boards[String(board.id)] = etag;
        continue;
      }
      for (const stack of await listStacks(input.connection, board.id)) {
        for (const card of stack.cards) {
          if (card.archived || !live(card)) continue; // not seen: an indexed version is removed
          const doc = document(board, stack, card);
          seen.add(doc.itemId);
          upserts.push(doc);
        }
      }
      if (etag !== null) boards[String(board.id)] = etag;
    }
  } catch (error) {
    if (!input.signal.aborted) throw error; // only the time box ending is a partial run
    return { upserts, deletes: [], items: seen.size, cursor: previous.success ? previous.data : null, partial: true };
  }
  const deletes = [...stored.keys()].filter((key) => !seen.has(key));
  return { upserts, deletes, items: seen.size, cursor: { boards } };
}
