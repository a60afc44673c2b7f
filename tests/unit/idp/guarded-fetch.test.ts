import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { BlockedAddressError, createGuardedFetch, isBlockedAddress } from "@/lib/idp/guarded-fetch";
import { storedId } from "@/lib/idp/prisma-adapter";

describe("SSRF address rules", () => {
  it.each(["10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "fc00::1", "fe80::1", "::ffff:10.0.0.1", "::"])("blocks %s", (ip) => {
    expect(isBlockedAddress(ip, { allowLoopback: false })).toBe(true);
    expect(isBlockedAddress(ip, { allowLoopback: true })).toBe(true);
  });
  it.each(["127.0.0.1", "127.8.8.8", "::1", "::ffff:127.0.0.1"])("blocks loopback %s unless the test hatch allows it", (ip) => {
    expect(isBlockedAddress(ip, { allowLoopback: false })).toBe(true);
    expect(isBlockedAddress(ip, { allowLoopback: true })).toBe(false);
  });
  it.each(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])("allows public %s", (ip) => {
    expect(isBlockedAddress(ip, { allowLoopback: false })).toBe(false);
  });
  it("treats a non-address as blocked", () => expect(isBlockedAddress("example.com", { allowLoopback: true })).toBe(true));
});

describe("createGuardedFetch", () => {
  const guarded = createGuardedFetch({ allowLoopback: false });
  it("refuses http, private literals and names that resolve to loopback, before any request leaves", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(guarded(`http://127.0.0.1:${port}/`)).rejects.toThrow(/only https/);
      await expect(guarded("https://10.1.2.3/doc.json")).rejects.toBeInstanceOf(BlockedAddressError);
      await expect(guarded(`https://localhost:${port}/doc.json`)).rejects.toBeInstanceOf(BlockedAddressError);
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe("Prisma adapter ids", () => {
  it("stores bearer-like ids hashed and leaves grants and clients readable", () => {
    expect(storedId("RefreshToken", "secret-value")).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(storedId("RefreshToken", "secret-value")).not.toContain("secret-value");
    expect(storedId("Session", "cookie")).not.toBe("cookie");
    expect(storedId("Grant", "g1")).toBe("g1");
    expect(storedId("Client", "c1")).toBe("c1");
  });
});
