/** The sharing tools (files_sharing's OCS Share API), in the order tools/list shows them. */
import type { CatalogueTool } from "@/lib/mcp/tool-definition";
import { ncShareCreateLink } from "./nc-share-create-link";
import { ncShareDelete } from "./nc-share-delete";
import { ncShareList } from "./nc-share-list";
import { ncShareUpdate } from "./nc-share-update";
import { ncShareWith } from "./nc-share-with";

export const SHARE_TOOLS: readonly CatalogueTool[] = [ncShareList, ncShareWith, ncShareCreateLink, ncShareUpdate, ncShareDelete];
