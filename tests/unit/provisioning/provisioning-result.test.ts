import { beforeAll, describe, expect, it } from "vitest";
import { openProvisioningResult, sealProvisioningResult } from "@/lib/provisioning/provisioning-result";

beforeAll(() => {
  process.env.TOKEN_ENCRYPTION_KEYS = "unit:dW5pdC10ZXN0LWtleS11bml0LXRlc3Qta2V5LTMyYnk=";
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.key-ring")];
});

describe("sealed provisioning results", () => {
  it("round-trips what the server concluded", async () => {
    const sealed = await sealProvisioningResult({ kind: "provisioned", scopes: ["account.read"], added: ["account.read"] });
    expect(await openProvisioningResult(sealed)).toMatchObject({ kind: "provisioned", scopes: ["account.read"], added: ["account.read"], missing: [] });
  });

  it("cannot be forged, altered or reused after ten minutes", async () => {
    const sealed = await sealProvisioningResult({ kind: "denied" });
    expect(await openProvisioningResult(`${sealed.slice(0, -4)}AAAA`)).toBeUndefined();
    expect(await openProvisioningResult(Buffer.from(JSON.stringify({ kind: "provisioned" })).toString("base64url"))).toBeUndefined();
    expect(await openProvisioningResult(sealed, Date.now() + 601_000)).toBeUndefined();
    expect(await openProvisioningResult(undefined)).toBeUndefined();
  });

  it("accepts only the known kinds and plain error codes", async () => {
    await expect(sealProvisioningResult({ kind: "idp_error", error: "<script>" })).rejects.toThrow();
    await expect(sealProvisioningResult({ kind: "nope" as never })).rejects.toThrow();
  });
});
