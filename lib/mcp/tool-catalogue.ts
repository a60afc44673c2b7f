/**
 * Every MCP tool this server offers, in the order tools/list shows them.
 * A new tool is one module under tools/<area>/ plus one line here.
 */
import { scopesUsedBy } from "@/lib/auth/scopes";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";
import { ncGetUserInfo } from "@/lib/mcp/tools/nextcloud/nc-get-user-info";
import { checkProvisioningStatus } from "@/lib/mcp/tools/provisioning/check-provisioning-status";
import { provisionNextcloudAccess } from "@/lib/mcp/tools/provisioning/provision-nextcloud-access";
import { revokeNextcloudAccess } from "@/lib/mcp/tools/provisioning/revoke-nextcloud-access";
import { whoami } from "@/lib/mcp/tools/session/whoami";
import { ncNotesAppend } from "@/lib/mcp/tools/notes/nc-notes-append";
import { ncNotesCreate } from "@/lib/mcp/tools/notes/nc-notes-create";
import { ncNotesDelete } from "@/lib/mcp/tools/notes/nc-notes-delete";
import { ncNotesGet } from "@/lib/mcp/tools/notes/nc-notes-get";
import { ncNotesSearch } from "@/lib/mcp/tools/notes/nc-notes-search";
import { ncNotesUpdate } from "@/lib/mcp/tools/notes/nc-notes-update";
import { ncWebdavCreateDirectory } from "@/lib/mcp/tools/files/nc-webdav-create-directory";
import { ncWebdavDelete } from "@/lib/mcp/tools/files/nc-webdav-delete";
import { ncWebdavListDirectory } from "@/lib/mcp/tools/files/nc-webdav-list-directory";
import { ncWebdavReadFile } from "@/lib/mcp/tools/files/nc-webdav-read-file";
import { ncWebdavSearchFiles } from "@/lib/mcp/tools/files/nc-webdav-search-files";
import { ncWebdavWriteFile } from "@/lib/mcp/tools/files/nc-webdav-write-file";
import { ncWebdavCopy, ncWebdavMove } from "@/lib/mcp/tools/files/transfer-tool";
import { CALENDAR_TOOLS } from "@/lib/mcp/tools/calendar/calendar-tools";
import { DECK_TOOLS } from "@/lib/mcp/tools/deck/deck-tools";
import { SHARE_TOOLS } from "@/lib/mcp/tools/sharing/share-tools";
import { ncSearch } from "@/lib/mcp/tools/search/nc-search";
import { ncSearchStatus } from "@/lib/mcp/tools/search/nc-search-status";

const NEXTCLOUD_TOOLS: readonly CatalogueTool[] = [ncGetUserInfo,
  ncNotesSearch, ncNotesGet, ncNotesCreate, ncNotesUpdate, ncNotesAppend, ncNotesDelete,
  ncWebdavListDirectory, ncWebdavReadFile, ncWebdavWriteFile, ncWebdavCreateDirectory, ncWebdavDelete, ncWebdavMove, ncWebdavCopy, ncWebdavSearchFiles,
  ...CALENDAR_TOOLS,
  ...DECK_TOOLS,
  ...SHARE_TOOLS,
  ncSearch, ncSearchStatus];

// provision_nextcloud_access offers only the scopes the Nextcloud tools use (lib/mcp/offered-scopes.ts).
export const TOOL_CATALOGUE: readonly CatalogueTool[] = [provisionNextcloudAccess(scopesUsedBy(NEXTCLOUD_TOOLS)), checkProvisioningStatus, revokeNextcloudAccess, whoami, ...NEXTCLOUD_TOOLS];
