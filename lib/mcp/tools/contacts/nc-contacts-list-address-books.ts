/** nc_contacts_list_address_books: the caller's address books. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { listAddressBooks } from "@/lib/nextcloud/carddav/carddav-client";
import { connectionOf } from "../calendar/calendar-shapes";

export const ncContactsListAddressBooks = defineNextcloudTool({
  name: "nc_contacts_list_address_books",
  title: "List address books",
  description: "Lists your Nextcloud address books: id (use it in the other nc_contacts_* tools) and name. Needs contacts.read.",
  input: z.object({}),
  output: z.object({ address_books: z.array(z.object({ id: z.string(), name: z.string() })) }),
  annotations: { title: "List address books", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["contacts.read"],
  async run(_input, context) {
    const books = await listAddressBooks(connectionOf(context));
    return { structured: { address_books: books.map((b) => ({ id: b.id, name: b.name })) }, text: books.length ? books.map((b) => `- ${b.name} (id "${b.id}")`).join("\n") : "You have no address books." };
  },
});
