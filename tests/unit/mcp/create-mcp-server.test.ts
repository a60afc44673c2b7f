import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { describe, expect, it } from "vitest";
import { createMcpServer, sharedJsonSchemaValidator } from "@/lib/mcp/create-mcp-server";

const auth = (sub: string, scopes: string[]): AuthInfo => ({ token: "t", clientId: "c", scopes, expiresAt: 2_000_000_000, extra: { sub } });

// The SDK keeps the validator in a private field of the low-level Server; reading it is the only way to see the sharing.
const validatorOf = (server: ReturnType<typeof createMcpServer>) => (server.server as unknown as { _jsonSchemaValidator: unknown })._jsonSchemaValidator;

describe("the per-request MCP server", () => {
  it("reuses the process's JSON Schema validator instead of building an Ajv per request", () => {
    const first = createMcpServer(auth("alice", []));
    const second = createMcpServer(auth("bob", ["notes.read"]));
    expect(validatorOf(first)).toBe(sharedJsonSchemaValidator());
    expect(validatorOf(second)).toBe(sharedJsonSchemaValidator());
  });

  it("the shared validator still checks formats (elicitation answers)", () => {
    const validate = sharedJsonSchemaValidator().getValidator<{ email: string }>({
      type: "object",
      properties: { email: { type: "string", format: "email" } },
      required: ["email"],
    });
    expect(validate({ email: "alice@example.org" }).valid).toBe(true);
    expect(validate({ email: "not an address" }).valid).toBe(false);
    expect(validate({}).valid).toBe(false);
  });
});
