import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/load-config";
import { variables } from "@/lib/config/variables";

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies every documented default on an empty environment", () => {
    const config = loadConfig({});
    expect(config.APP_URL).toBe("http://localhost:3000");
    expect(config.NODE_ENV).toBe("development");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toBe(".data");
    expect(config.TRUST_PROXY).toBe(false);
    expect(config.PORT).toBe(3000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ APP_URL: "", DATABASE_URL: "  " }).APP_URL).toBe("http://localhost:3000");
  });

  it("canonicalises APP_URL without a trailing slash", () => {
    expect(loadConfig({ APP_URL: "https://mcp.example.com/" }).APP_URL).toBe("https://mcp.example.com");
    expect(loadConfig({ APP_URL: "https://example.com/mcp/" }).APP_URL).toBe("https://example.com/mcp");
  });

  it.each([
    ["APP_URL", "not a url", "APP_URL is invalid: must be an absolute URL. Example: APP_URL=https://mcp.example.com"],
    ["APP_URL", "ftp://example.com", "APP_URL is invalid: must use http or https"],
    ["APP_URL", "https://example.com/?x=1", "APP_URL is invalid: must not have a query or a fragment"],
    ["APP_URL", "https://user:pw@example.com", "APP_URL is invalid: must not contain credentials"],
    ["DATABASE_URL", "mysql://root@localhost/db", "DATABASE_URL is invalid: must be a postgres:// or postgresql:// URL. Example: DATABASE_URL=postgres://"],
    ["NODE_ENV", "staging", "NODE_ENV is invalid: must be development, production or test. Example: NODE_ENV=production"],
    ["TRUST_PROXY", "yes", "TRUST_PROXY is invalid: must be true or false. Example: TRUST_PROXY=true"],
    ["PORT", "http", "PORT is invalid: must be a number"],
    ["PORT", "70000", "PORT is invalid: must be 1-65535"],
    ["LOG_LEVEL", "verbose", "LOG_LEVEL is invalid: must be debug, info, warn or error"],
  ])("%s=%s gives a message naming the variable, the problem and an example", (name, value, expected) => {
    expect(problemsOf({ [name]: value })).toContain(expected);
  });

  it("reports every problem at once, in one message", () => {
    const message = problemsOf({ APP_URL: "nope", PORT: "x" });
    expect(message).toMatch(/^Invalid configuration \(2 problems\):/);
    expect(message).toContain("APP_URL is invalid");
    expect(message).toContain("PORT is invalid");
    expect(message).toContain("see .env.example");
  });

  it("never echoes a value (some are secrets)", () => {
    const message = problemsOf({ DATABASE_URL: "mysql://admin:s3cr3t-password@db/x" });
    expect(message).not.toContain("s3cr3t-password");
  });

  it("has an example that its own schema accepts, for every variable", () => {
    for (const [name, spec] of Object.entries(variables)) {
      expect(spec.schema.safeParse(spec.example).success, name).toBe(true);
      if ("default" in spec && spec.default !== undefined) expect(spec.schema.safeParse(spec.default).success, name).toBe(true);
    }
  });
});
