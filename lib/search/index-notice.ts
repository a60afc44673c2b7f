/** The plain words every page that grants Nextcloud access uses about the search index. */
import { INDEX_CONTENTS } from "./search-sources";

export const SEARCH_INDEX_NOTICE =
  `Granting read access to notes, files, calendars, contacts or Deck also lets this server keep a search index of them in its own database, refreshed every few minutes by a background job, so that nc_search can find things across your Nextcloud: ${INDEX_CONTENTS}. ` +
  "Searches re-check every hit in Nextcloud first. You can turn the index off on the dashboard (Nextcloud access → Search index); it is deleted at once, and also when you revoke access.";
