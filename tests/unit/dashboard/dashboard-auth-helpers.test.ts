/** Pure parts of the dashboard's sign-in: the return path never leaves the dashboard; next-auth's cookies are read back faithfully. */
import { describe, expect, it } from "vitest";
import { safeDashboardPath } from "@/lib/dashboard/build-auth-options";
import { parseSetCookie } from "@/lib/dashboard/call-next-auth";

const APP = "https://mcp.example.com";

describe("safeDashboardPath", () => {
  it("keeps dashboard paths (with their query)", () => {
    expect(safeDashboardPath("/dashboard/activity?page=2", APP)).toBe("/dashboard/activity?page=2");
    expect(safeDashboardPath(`${APP}/dashboard/connections`, APP)).toBe("/dashboard/connections");
    expect(safeDashboardPath("/dashboard", APP)).toBe("/dashboard");
  });

  it.each([
    "https://evil.example/dashboard",
    "//evil.example/dashboard",
    "/\\evil.example/dashboard",
    "javascript:alert(1)",
    "/",
    "/api/oidc/auth",
    "/dashboardx",
    "/dashboard/sign-in?callbackUrl=/dashboard",
    "http://mcp.example.com/dashboard",
    "",
    undefined,
    42,
    `/dashboard/${"a".repeat(600)}`,
  ])("falls back to /dashboard for %s", (value) => {
    expect(safeDashboardPath(value, APP)).toBe("/dashboard");
  });
});

describe("parseSetCookie", () => {
  it("reads name, decoded value and attributes", () => {
    const cookie = parseSetCookie("next-auth.state=abc%3D%3D; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
    expect(cookie).toEqual({
      name: "next-auth.state",
      value: "abc==",
      options: { path: "/", expires: new Date("2031-01-01T00:00:00Z"), httpOnly: true, secure: true, sameSite: "lax" },
    });
    expect(parseSetCookie("next-auth.session-token=; Path=/; Max-Age=0").options.maxAge).toBe(0);
  });
});
