/**
 * oidc-provider's storage for the "Client" model, and the one place every
 * client lookup of the built-in IdP passes: `Client.find(id)` (oidc-provider
 * lib/models/client.js) asks the configured `clients` first, then the
 * adapter's `find(id)`, then — for a URL id with the feature on — a Client ID
 * Metadata Document. No `clients` are configured: the operator's clients
 * (this server's own, ALLOWED_MCP_CLIENTS; lib/idp/static-clients.ts) are
 * served from memory here, dynamically registered ones (RFC 7591) from the
 * database, and either is returned only while the client registry allows it
 * (lib/auth/client-registry.ts: disabled clients, the allowlist policy). A
 * refused client is unknown everywhere — authorization, token, revocation,
 * introspection, logout — exactly as a client that never existed
 * (RFC 6749 §5.2 `invalid_client`). Client ID Metadata Documents are not
 * stored here; the IdP's `allowClient` hook applies the same check to them
 * (lib/idp/configuration.ts).
 *
 * Operator clients are never written or deleted through this adapter: they
 * hold no registration access token, so RFC 7592 management cannot reach
 * them, and a write for one of their ids is refused all the same.
 */
import type { AdapterPayload, ClientMetadata } from "oidc-provider";
import { checkClient } from "@/lib/auth/client-registry";
import { PrismaAdapter } from "./prisma-adapter";

export class ClientAdapter extends PrismaAdapter {
  private readonly operatorClients: ReadonlyMap<string, ClientMetadata>;

  constructor(operatorClients: readonly ClientMetadata[]) {
    super("Client");
    this.operatorClients = new Map(operatorClients.map((c) => [c.client_id, structuredClone(c)]));
  }

  override async find(id: string): Promise<AdapterPayload | undefined> {
    const operator = this.operatorClients.get(id);
    const payload = operator ? (structuredClone(operator) as AdapterPayload) : await super.find(id);
    if (!payload) return undefined;
    return (await checkClient(id)).allowed ? payload : undefined;
  }

  override async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    if (this.operatorClients.has(id)) throw new Error(`client ${id} is configured by the operator and cannot be changed here`);
    await super.upsert(id, payload, expiresIn);
  }

  override async destroy(id: string): Promise<void> {
    if (this.operatorClients.has(id)) throw new Error(`client ${id} is configured by the operator and cannot be deleted here`);
    await super.destroy(id);
  }
}
