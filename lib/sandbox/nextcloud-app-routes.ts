/**
 * The Nextcloud apps the sandbox serves besides the OCS user endpoint:
 * the capabilities, Notes API v1 (notes and settings), WebDAV files (plus the DAV root for the
 * current user and SEARCH), Deck (REST API and comments) and the OCS Share API. Ids come from one counter, as Nextcloud's file ids (a note is a
 * file there) are unique across the instance. `seed` gives a user the demo
 * notes and files (demo-data.ts).
 */
import type { SandboxRoute } from "./route-table";
import type { SandboxUsers } from "./sandbox-users";
import { DEMO_BOARD, DEMO_FILES, DEMO_NOTES } from "./demo-data";
import { deckRoutes } from "./deck/deck-route";
import { DeckStore } from "./deck/deck-store";
import { capabilitiesRoute } from "./routes/capabilities";
import { sharesRoute } from "./sharing/shares-route";
import { whileEnabled, type SandboxApps } from "./sandbox-apps";
import { notesRoute } from "./notes/notes-route";
import { notesSettingsRoute } from "./notes/notes-settings-route";
import { NotesStore } from "./notes/notes-store";
import { davRootRoute } from "./webdav/dav-root-route";
import { userFilesRoute } from "./webdav/serve-user-files";
import { UserFileServers } from "./webdav/user-file-servers";

export interface NextcloudApps {
  routes: SandboxRoute[];
  /** Gives each user (uid) the demo notes, files and Deck board, unless they already have notes. */
  seed(userIds: readonly string[]): Promise<void>;
}

/** Gives `userId` the demo board (demo-data.ts): stacks, cards, labels, a due date and an assignment. */
function seedDemoBoard(deck: DeckStore, userId: string): void {
  const board = deck.createBoard(userId, DEMO_BOARD.title, DEMO_BOARD.color);
  DEMO_BOARD.stacks.forEach((s, i) => {
    const stack = deck.createStack(board, s.title, i);
    s.cards.forEach((c, j) => {
      const due = "dueInDays" in c ? new Date(Date.now() + c.dueInDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00") : null;
      const card = deck.createCard(board, stack, userId, { title: c.title, description: c.description, order: j, duedate: due });
      card.labelIds = board.labels.filter((l) => (c.labels as readonly string[]).includes(l.title)).map((l) => l.id);
      if ("assignToOwner" in c) card.assignedUsers = [userId];
    });
  });
}

/** `baseUrl`: the sandbox's own URL once it listens (public links point there). */
export function nextcloudAppRoutes(users: SandboxUsers, apps: SandboxApps, baseUrl: () => string): NextcloudApps {
  let lastId = 100;
  const allocateId = () => ++lastId;
  const servers = new UserFileServers(allocateId);
  const notes = new NotesStore(allocateId);
  const deck = new DeckStore(allocateId);
  return {
    routes: [capabilitiesRoute(apps), whileEnabled(apps, "notes", notesRoute(users, notes)), whileEnabled(apps, "notes", notesSettingsRoute()), userFilesRoute(users, servers), davRootRoute(servers), ...deckRoutes(users, deck, apps), sharesRoute(users, servers, apps, baseUrl)],
    async seed(userIds) {
      for (const id of userIds) {
        if (notes.list(id).length > 0) continue;
        users.ensure(id);
        for (const note of DEMO_NOTES) notes.create(id, note);
        seedDemoBoard(deck, id);
        const files = servers.get(id);
        await files.fs.addSubTreeAsync(files.server.createExternalContext(), DEMO_FILES as never);
      }
    },
  };
}
