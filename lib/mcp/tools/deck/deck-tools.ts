/**
 * The Deck tools, in the order tools/list shows them: ten tools cover what
 * the Python predecessor did with 38 (one board overview instead of per-stack
 * and per-card reads; one partial card update; one stack and one label tool
 * with actions). docs/architecture.md explains the compact design.
 */
import type { CatalogueTool } from "@/lib/mcp/tool-definition";
import { ncDeckAddComment } from "./nc-deck-add-comment";
import { ncDeckCreateBoard } from "./nc-deck-create-board";
import { ncDeckCreateCard } from "./nc-deck-create-card";
import { ncDeckDeleteCard } from "./nc-deck-delete-card";
import { ncDeckGetBoard } from "./nc-deck-get-board";
import { ncDeckGetCard } from "./nc-deck-get-card";
import { ncDeckListBoards } from "./nc-deck-list-boards";
import { ncDeckManageLabel } from "./nc-deck-manage-label";
import { ncDeckManageStack } from "./nc-deck-manage-stack";
import { ncDeckUpdateCard } from "./nc-deck-update-card";

export const DECK_TOOLS: readonly CatalogueTool[] = [
  ncDeckListBoards,
  ncDeckGetBoard,
  ncDeckGetCard,
  ncDeckCreateCard,
  ncDeckUpdateCard,
  ncDeckDeleteCard,
  ncDeckAddComment,
  ncDeckCreateBoard,
  ncDeckManageStack,
  ncDeckManageLabel,
];
