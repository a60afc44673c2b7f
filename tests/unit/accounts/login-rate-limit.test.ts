import { describe, expect, it } from "vitest";
import { IP_WINDOW, ipBucketAddress, ipKey, USERNAME_WINDOW, usernameKey } from "@/lib/accounts/login-rate-limit";

describe("login rate limit keys", () => {
  it("limits 5 failures per username from one source and 20 per IP in 15-minute windows", () => {
    expect(USERNAME_WINDOW).toEqual({ limit: 5, windowSeconds: 900 });
    expect(IP_WINDOW).toEqual({ limit: 20, windowSeconds: 900 });
  });

  it("counts a username case- and space-insensitively per source, without storing it in clear", () => {
    const ip = "203.0.113.7";
    expect(usernameKey(" Alice ", ip)).toBe(usernameKey("alice", ip));
    expect(usernameKey("alice", ip)).not.toBe(usernameKey("bob", ip));
    expect(usernameKey("hunter2-typed-as-username", ip)).not.toContain("hunter2");
    expect(usernameKey("x".repeat(10_000), ip).length).toBeLessThan(64);
  });

  it("gives every source its own budget for a username, one per IPv6 /64", () => {
    expect(usernameKey("alice", "203.0.113.7")).not.toBe(usernameKey("alice", "203.0.113.8"));
    expect(usernameKey("alice", "::ffff:203.0.113.7")).toBe(usernameKey("alice", "203.0.113.7"));
    expect(usernameKey("alice", "2001:db8:aa:bb::1")).toBe(usernameKey("alice", "2001:db8:aa:bb::2"));
    expect(usernameKey("alice", "2001:db8:aa:bb::1")).not.toBe(usernameKey("alice", "2001:db8:aa:bc::1"));
  });

  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::99", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::198.51.100.1", "64:ff9b:0:0::/64"],
    ["", "unknown"],
    ["not an ip", "unknown"],
    ["203.0.113.7, 10.0.0.1", "unknown"],
  ])("counts %j under %j", (ip, bucket) => {
    expect(ipBucketAddress(ip)).toBe(bucket);
  });

  it("puts every address of one IPv6 /64 in one bucket, and other /64s in others", () => {
    expect(ipKey("2001:db8:aa:bb::1")).toBe(ipKey("2001:db8:aa:bb:ffff:ffff:ffff:ffff"));
    expect(ipKey("2001:db8:aa:bb::1")).not.toBe(ipKey("2001:db8:aa:bc::1"));
    expect(ipKey("198.51.100.1")).not.toBe(ipKey("198.51.100.2"));
  });
});
