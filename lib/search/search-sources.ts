/**
 * What the search index covers: one source per Nextcloud app, the read scope
 * that both lets the background job index it and lets a caller see its hits,
 * and the job kind that keeps it fresh (lib/jobs/run-sync-jobs.ts).
 */
export const SEARCH_SOURCES = ["notes", "files", "calendar", "contacts", "deck"] as const;
export type SearchSource = (typeof SEARCH_SOURCES)[number];

export const SOURCE_SCOPE: Readonly<Record<SearchSource, string>> = { notes: "notes.read", files: "files.read", calendar: "calendar.read", contacts: "contacts.read", deck: "deck.read" };

export const SOURCE_TITLE: Readonly<Record<SearchSource, string>> = { notes: "Notes", files: "Files", calendar: "Calendar events", contacts: "Contacts", deck: "Deck cards" };

export const syncJobKind = (source: SearchSource) => `index.${source}`;

export function sourceOfJobKind(kind: string): SearchSource | undefined {
  return SEARCH_SOURCES.find((s) => syncJobKind(s) === kind);
}

/** The sources whose read scope every one of `scopeSets` holds. */
export function sourcesCoveredBy(...scopeSets: readonly (readonly string[])[]): SearchSource[] {
  return SEARCH_SOURCES.filter((s) => scopeSets.every((set) => set.includes(SOURCE_SCOPE[s])));
}

/** What the index keeps, in words (dashboard, provisioning pages, docs). */
export const INDEX_CONTENTS =
  "the titles, categories and text of your notes; the names and paths of your files with the text of text files (txt, md, csv, html; the first 64 KB of each); the title, start, location and description of your calendar events; the names, emails, phone numbers and organisations of your contacts; and the titles and descriptions of your Deck cards with their board and list names";
