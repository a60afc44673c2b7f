/**
 * What a demo or test account finds in the sandbox on its first visit: a few
 * realistic notes and files, so a person's first questions ("what's on my
 * shopping list?", "summarise the project plan") have answers. Everything
 * here is fictional and labelled as sandbox data in the files themselves.
 * Seeded per user at sandbox start (start-sandbox.ts, `seedUsers`).
 */
import type { NoteInput } from "./notes/notes-store";

export const DEMO_NOTES: readonly NoteInput[] = [
  {
    title: "Shopping list",
    category: "Home",
    content: "# Shopping list\n\n- oat milk\n- 6 eggs\n- sourdough bread\n- tomatoes\n- coffee beans (the Ethiopian ones)\n",
  },
  {
    title: "Project Atlas kickoff",
    category: "Work/Atlas",
    favorite: true,
    content:
      "# Project Atlas kickoff\n\nDate: Monday 10:00, room 2.14\n\n## Decisions\n- Launch target: end of Q2\n- Maria owns the API, Tom the mobile app\n\n## Open questions\n- Budget for the external security review?\n- Do we keep the old import format?\n\n## Next steps\n- [ ] Share the timeline draft (Friday)\n- [ ] Book the review kickoff\n",
  },
  {
    title: "Book ideas",
    category: "Personal",
    content: "# Book ideas\n\n- *The Left Hand of Darkness* — Ursula K. Le Guin\n- *Thinking in Systems* — Donella Meadows\n- *Piranesi* — Susanna Clarke\n",
  },
  {
    title: "Trip to Lisbon",
    category: "Personal",
    content: "# Trip to Lisbon\n\nFlights: 14–18 May\nHotel: near Praça do Comércio, check-in from 15:00\n\nTo see: Alfama, LX Factory, Belém tower, a fado evening.\n",
  },
];

const README = `# Welcome to the Nextcloud sandbox

These files are demo data of the Nextcloud *sandbox* that nextcloud-mcp runs when no real
Nextcloud is configured (NEXTCLOUD_URL unset). Nothing here is stored in a real Nextcloud, and
everything is lost when the sandbox stops.

Try asking your AI client to list your files, read the project plan, or search for "budget".
`;

const PROJECT_PLAN = `# Project Atlas — plan

| Phase | What | When |
| --- | --- | --- |
| 1 | API design and review | April |
| 2 | Mobile app beta | May |
| 3 | Security review, launch | June |

Risks: the security review budget is not approved yet; the old import format may need a converter.
`;

const BUDGET_CSV = `item,amount_eur,status
API hosting,1200,approved
Mobile beta testers,800,approved
External security review,6500,pending
Launch event,1500,draft
`;

const MEETING_MINUTES = `Team meeting, Tuesday

Present: Maria, Tom, Lea
- Maria: the API draft is ready for review
- Tom: the beta build needs the new login screen
- Lea: will ask finance about the security review budget
`;

/** webdav-server's SubTree: folders are objects, files are their contents. */
export const DEMO_FILES = {
  "Readme.md": README,
  Documents: {
    "Project plan.md": PROJECT_PLAN,
    "Budget 2025.csv": BUDGET_CSV,
    Meetings: { "2025-03-04 team meeting.txt": MEETING_MINUTES },
  },
  Photos: {},
} as const;

/** The demo Deck board: stacks in order, each with its cards (label titles are the board's default labels). */
export const DEMO_BOARD = {
  title: "Project Atlas",
  color: "0082c9",
  stacks: [
    {
      title: "To do",
      cards: [
        { title: "Book the security review kickoff", description: "Pick a date with the external reviewers; budget still pending (see Budget 2025.csv).", labels: ["Action needed"], dueInDays: 5 },
        { title: "Converter for the old import format", description: "Decide whether we keep the old format; if so, write a converter.", labels: ["Later"] },
      ],
    },
    {
      title: "In progress",
      cards: [
        { title: "Timeline draft", description: "Share the timeline draft with the team on Friday.", labels: ["To review"], dueInDays: 2, assignToOwner: true },
        { title: "New login screen for the beta", description: "Tom needs it for the mobile beta build.", labels: [] },
      ],
    },
    { title: "Done", cards: [{ title: "API draft", description: "Maria's API draft is ready for review.", labels: ["Finished"] }] },
  ],
} as const;
