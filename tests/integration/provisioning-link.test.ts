import { describe, expect, it } from "vitest";
import { consumeProvisioningRequest, createProvisioningLink, PROVISIONING_LINK_TTL_SECONDS, ProvisioningLinkError, readProvisioningRequest } from "@/lib/provisioning/provisioning-link";
import { useInProcessDatabase } from "../helpers/in-process-database";

useInProcessDatabase({ APP_URL: "https://mcp.example.com" });

const valueOf = (url: string) => new URL(url).searchParams.get("request")!;

describe("provisioning links", () => {
  it("round-trips who asked and for what, without revealing it", async () => {
    const { url, expiresAt } = await createProvisioningLink({ sub: "alice", clientId: "claude", scopes: ["notes.read", "notes.read", "account.read"] });
    expect(url.startsWith("https://mcp.example.com/oauth/authorize-nextcloud?request=")).toBe(true);
    expect(url).not.toContain("alice");
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(PROVISIONING_LINK_TTL_SECONDS * 1000);
    const request = await readProvisioningRequest(valueOf(url));
    expect(request).toMatchObject({ sub: "alice", clientId: "claude", scopes: ["notes.read", "account.read"] });
  });

  it("refuses scopes that are not Nextcloud scopes", async () => {
    await expect(createProvisioningLink({ sub: "alice", scopes: ["offline_access"] })).rejects.toThrow();
    await expect(createProvisioningLink({ sub: "alice", scopes: [] })).rejects.toThrow();
  });

  it("refuses tampered, truncated, foreign and expired values", async () => {
    const value = valueOf((await createProvisioningLink({ sub: "alice", scopes: ["notes.read"] })).url);
    const parts = value.split(".");
    parts[3] = `${parts[3]!.slice(0, -3)}xyz`;
    for (const bad of [parts.join("."), value.slice(0, -10), "", "x".repeat(9000), 42, undefined]) {
      await expect(readProvisioningRequest(bad)).rejects.toMatchObject({ reason: "invalid" });
    }
    const old = valueOf((await createProvisioningLink({ sub: "alice", scopes: ["notes.read"] }, Date.now() - 11 * 60_000)).url);
    await expect(readProvisioningRequest(old)).rejects.toMatchObject({ reason: "expired" });
  });

  it("is single-use", async () => {
    const request = await readProvisioningRequest(valueOf((await createProvisioningLink({ sub: "bob", scopes: ["files.read"] })).url));
    await consumeProvisioningRequest(request);
    await expect(consumeProvisioningRequest(request)).rejects.toBeInstanceOf(ProvisioningLinkError);
    await expect(consumeProvisioningRequest(request)).rejects.toMatchObject({ reason: "used" });
  });
});
