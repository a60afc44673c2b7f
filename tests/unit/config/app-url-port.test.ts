import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/load-config";
import { appUrlPortMismatch } from "@/lib/config/port-mismatch";

describe("APP_URL and PORT", () => {
  it("APP_URL follows PORT when unset, so the server advertises where it listens", () => {
    const config = loadConfig({ PORT: "4106" });
    expect(config.APP_URL).toBe("http://localhost:4106");
    expect(config.MCP_URL).toBe("http://localhost:4106/api/mcp");
    expect(config.ISSUER).toBe("http://localhost:4106/api/oidc");
    expect(loadConfig({ PORT: "4106", APP_URL: "  " }).APP_URL).toBe("http://localhost:4106");
    expect(appUrlPortMismatch(config)).toBeUndefined();
  });

  it("an explicit APP_URL wins, and a bad PORT is still reported as PORT", () => {
    expect(loadConfig({ PORT: "4106", APP_URL: "https://mcp.example.com" }).APP_URL).toBe("https://mcp.example.com");
    expect(() => loadConfig({ PORT: "99999" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "99999" })).toThrow(/PORT is invalid/);
    expect(() => loadConfig({ PORT: "abc" })).toThrow(/PORT is invalid/);
  });

  it("names a local APP_URL whose port is not PORT (the silent sign-in failure)", () => {
    expect(appUrlPortMismatch(loadConfig({ PORT: "4106", APP_URL: "http://localhost:3000" }))).toMatch(/port 3000.*PORT=4106/);
    expect(appUrlPortMismatch(loadConfig({ PORT: "4106", APP_URL: "http://127.0.0.1:3000" }))).toBeDefined();
    expect(appUrlPortMismatch(loadConfig({ PORT: "80", APP_URL: "http://localhost" }))).toBeUndefined();
    expect(appUrlPortMismatch(loadConfig({ PORT: "443", APP_URL: "https://[::1]" }))).toBeUndefined();
  });

  it("does not compare ports behind a proxy or tunnel (public port differs from PORT on purpose)", () => {
    expect(appUrlPortMismatch(loadConfig({ PORT: "3000", APP_URL: "https://mcp.example.com" }))).toBeUndefined();
    expect(appUrlPortMismatch(loadConfig({ PORT: "3000", APP_URL: "http://10.0.0.5:8080" }))).toBeUndefined();
  });
});
