/** Protected Resource Metadata (RFC 9728) of the MCP endpoint; see lib/auth/protected-resource-metadata.ts. */
import { resourceMetadataPreflight, resourceMetadataResponse } from "@/lib/auth/serve-resource-metadata";
import { offeredFirstContactScopes } from "@/lib/mcp/offered-scopes";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return resourceMetadataResponse(offeredFirstContactScopes());
}

export function OPTIONS(): Response {
  return resourceMetadataPreflight();
}
