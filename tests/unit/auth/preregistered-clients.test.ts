import { describe, expect, it } from "vitest";
import { preregisteredClients } from "@/lib/auth/client-registry";

describe("preregisteredClients", () => {
  it("groups id|redirect entries by id and keeps order", () => {
    expect(
      preregisteredClients(["claude|http://127.0.0.1/callback", "vscode|https://vscode.dev/redirect", "claude|https://claude.ai/cb", "claude|http://127.0.0.1/callback"]),
    ).toEqual([
      { clientId: "claude", redirectUris: ["http://127.0.0.1/callback", "https://claude.ai/cb"] },
      { clientId: "vscode", redirectUris: ["https://vscode.dev/redirect"] },
    ]);
  });

  it("accepts an id without a redirect URI and ignores empty ids", () => {
    expect(preregisteredClients(["inspector", "|http://x"])).toEqual([{ clientId: "inspector", redirectUris: [] }]);
  });
});
