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

  // IPv6 forms that carry an IPv4 address, and deprecated ranges (issue 19 defect 9).
  it.each([
    ["IPv4-compatible ::/96 (RFC 4291 §2.5.5.1, deprecated)", ["::8.8.8.8", "::808:808", "::a00:1", "::7f00:1", "0:0:0:0:0:0:102:304"]],
    ["IPv4-mapped, hex form, a private address inside", ["::ffff:a00:1", "::FFFF:A9FE:A9FE", "0:0:0:0:0:ffff:c0a8:101", "::ffff:0.0.0.0"]],
    ["6to4 2002::/16 around a private, loopback or metadata IPv4 (RFC 3056)", ["2002:a00:1::1", "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101:0:0:0:0:1", "2002::"]],
    ["site-local fec0::/10 (RFC 3879, deprecated)", ["fec0::1", "feff:ffff::1", "fed0:1:2:3::4"]],
    ["NAT64 local-use 64:ff9b:1::/48 (RFC 8215)", ["64:ff9b:1::a00:1", "64:ff9b:1:ffff::808:808"]],
  ])("blocks %s", (_label, addresses) => {
    for (const ip of addresses) {
      expect({ ip, blocked: isBlockedAddress(ip, { allowLoopback: false }) }).toEqual({ ip, blocked: true });
      expect({ ip, blocked: isBlockedAddress(ip, { allowLoopback: true }) }).toEqual({ ip, blocked: true });
    }
  });
  it.each(["::ffff:8.8.8.8", "::ffff:808:808", "2002:808:808::1", "2002:5db8:d822:1::", "2a00:1450:4001:80b::200e"])("allows %s (a public IPv4 inside, or outside the blocked ranges)", (ip) => {
    expect(isBlockedAddress(ip, { allowLoopback: false })).toBe(false);
  });
  it("does not let the loopback test hatch open loopback hidden in 6to4 or IPv4-compatible forms", () => {
    for (const ip of ["2002:7f00:1::1", "::127.0.0.1"]) expect(isBlockedAddress(ip, { allowLoopback: true })).toBe(true);
    expect(isBlockedAddress("::ffff:7f00:1", { allowLoopback: true })).toBe(false); // the mapped form is loopback itself
  });
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
