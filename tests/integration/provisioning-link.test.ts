import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { consumeProvisioningRequest, createProvisioningLink, PROVISIONING_LINK_TTL_SECONDS, ProvisioningLinkError, readProvisioningRequest } from "@/lib/provisioning/provisioning-link";
import { useInProcessDatabase } from "../helpers/in-process-database";

useInProcessDatabase({ APP_URL: "https://mcp.example.com" });

const valueOf = (url: string) => new URL(url).searchParams.get("request")!;

describe("provisioning links", () => {
  it("are short: an opaque id of 24 URL-safe characters, nothing readable in the link", async () => {
    const { url } = await createProvisioningLink({ sub: "alice", clientId: "claude", needed: ["notes.read"], offered: ["files.read"] });
    const id = valueOf(url);
    expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(url).toBe(`https://mcp.example.com/oauth/authorize-nextcloud?request=${id}`);
    expect(url).not.toContain("alice");
    expect(url).not.toContain("notes");
    // Two links never share an id.
    expect(valueOf((await createProvisioningLink({ sub: "alice", needed: ["notes.read"] })).url)).not.toBe(id);
  });

  it("round-trips who asked, which tool, what is needed and what is offered, without revealing it", async () => {
    const { url, expiresAt } = await createProvisioningLink({ sub: "alice", clientId: "claude", tool: "nc_notes_search", needed: ["notes.read", "notes.read"], offered: ["account.read", "files.read"] });
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(PROVISIONING_LINK_TTL_SECONDS * 1000);
    const request = await readProvisioningRequest(valueOf(url));
    expect(request).toMatchObject({ sub: "alice", clientId: "claude", tool: "nc_notes_search", needed: ["notes.read"] });
    expect(request.offered.sort()).toEqual(["account.read", "files.read", "notes.read"]);
    // The database holds neither the id nor the request in clear.
    const rows = await (await db()).provisioningRequest.findMany();
    for (const row of rows) {
      expect(row.idHash).not.toBe(valueOf(url));
      expect(row.sealed).not.toContain("alice");
      expect(row.sealed).not.toContain("notes.read");
    }
  });

  it("refuses scopes that are not Nextcloud scopes, and a request that offers nothing", async () => {
    await expect(createProvisioningLink({ sub: "alice", needed: ["offline_access"] })).rejects.toThrow();
    await expect(createProvisioningLink({ sub: "alice", offered: ["openid"] })).rejects.toThrow();
    await expect(createProvisioningLink({ sub: "alice", scopes: [] })).rejects.toThrow();
    await expect(createProvisioningLink({ sub: "alice", needed: [], offered: [] })).rejects.toThrow();
  });

  it("refuses tampered, truncated, guessed, foreign and expired values", async () => {
    const value = valueOf((await createProvisioningLink({ sub: "alice", scopes: ["notes.read"] })).url);
    const flipped = value.slice(0, -1) + (value.endsWith("A") ? "B" : "A");
    for (const bad of [flipped, value.slice(0, -1), `${value}x`, "A".repeat(24), "", "x".repeat(9000), "../../etc/passwd", 42, undefined]) {
      await expect(readProvisioningRequest(bad)).rejects.toMatchObject({ reason: "invalid" });
    }
    const old = valueOf((await createProvisioningLink({ sub: "alice", scopes: ["notes.read"] }, Date.now() - 11 * 60_000)).url);
    await expect(readProvisioningRequest(old)).rejects.toMatchObject({ reason: "expired" });
    await expect(consumeProvisioningRequest({ id: old })).rejects.toMatchObject({ reason: "used" });
  });

  it("a request moved under another link's row does not open (sealed to its own id)", async () => {
    const a = valueOf((await createProvisioningLink({ sub: "alice", scopes: ["notes.read"] })).url);
    const b = valueOf((await createProvisioningLink({ sub: "bob", scopes: ["files.write"] })).url);
    const prisma = await db();
    const rows = await prisma.provisioningRequest.findMany({ where: { userId: { in: ["alice", "bob"] } }, orderBy: { createdAt: "desc" }, take: 2 });
    const bobRow = rows.find((r) => r.userId === "bob")!;
    const aliceRow = rows.find((r) => r.userId === "alice")!;
    await prisma.provisioningRequest.update({ where: { idHash: aliceRow.idHash }, data: { sealed: bobRow.sealed } });
    await expect(readProvisioningRequest(a)).rejects.toMatchObject({ reason: "invalid" });
    await expect(readProvisioningRequest(b)).resolves.toMatchObject({ sub: "bob" });
  });

  it("is single-use, also under concurrent use", async () => {
    const request = await readProvisioningRequest(valueOf((await createProvisioningLink({ sub: "bob", scopes: ["files.read"] })).url));
    await consumeProvisioningRequest(request);
    await expect(consumeProvisioningRequest(request)).rejects.toBeInstanceOf(ProvisioningLinkError);
    await expect(consumeProvisioningRequest(request)).rejects.toMatchObject({ reason: "used" });
    await expect(readProvisioningRequest(request.id)).rejects.toMatchObject({ reason: "used" });

    const racing = await readProvisioningRequest(valueOf((await createProvisioningLink({ sub: "bob", scopes: ["files.read"] })).url));
    const outcomes = await Promise.allSettled([consumeProvisioningRequest(racing), consumeProvisioningRequest(racing), consumeProvisioningRequest(racing)]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
  });
});
