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

describe("cross-variable rules", () => {
  const KEY = `k1:${Buffer.alloc(32, 7).toString("base64")}`;

  it("derives the MCP URL, audiences and issuer from APP_URL", () => {
    const c = loadConfig({ APP_URL: "https://mcp.example.com/" });
    expect(c.MCP_URL).toBe("https://mcp.example.com/api/mcp");
    expect(c.MCP_AUDIENCE).toBe("https://mcp.example.com/api/mcp");
    expect(c.MCP_AUDIENCES).toEqual(["https://mcp.example.com/api/mcp", "mcp-server"]);
    expect(c.ISSUER).toBe("https://mcp.example.com/api/oidc");
    expect(c.BUILTIN_IDP).toBe(true);
  });

  it("uses an external issuer only with its client secret", () => {
    expect(problemsOf({ OIDC_ISSUER: "https://idp.example.com/realms/x" })).toContain("OIDC_CLIENT_SECRET is required when OIDC_ISSUER is set");
    const c = loadConfig({ OIDC_ISSUER: "https://idp.example.com/realms/x", OIDC_CLIENT_SECRET: "0123456789abcdef" });
    expect(c.ISSUER).toBe("https://idp.example.com/realms/x");
    expect(c.BUILTIN_IDP).toBe(false);
  });

  it("refuses to turn MCP authentication off outside NODE_ENV=test", () => {
    expect(problemsOf({ MCP_INSECURE_DISABLE_AUTH: "true", NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: KEY })).toContain(
      "MCP_INSECURE_DISABLE_AUTH is only allowed with NODE_ENV=test",
    );
    expect(problemsOf({ MCP_INSECURE_DISABLE_AUTH: "true" })).toContain("MCP_INSECURE_DISABLE_AUTH is only allowed");
    expect(loadConfig({ MCP_INSECURE_DISABLE_AUTH: "true", NODE_ENV: "test" }).MCP_INSECURE_DISABLE_AUTH).toBe(true);
  });

  it("refuses the test-only Login Flow v2 limit outside NODE_ENV=test", () => {
    expect(problemsOf({ TEST_LOGIN_FLOW_TTL_SECONDS: "5" })).toContain("TEST_LOGIN_FLOW_TTL_SECONDS is only allowed with NODE_ENV=test");
    expect(problemsOf({ TEST_LOGIN_FLOW_TTL_SECONDS: "1", NODE_ENV: "test" })).toContain("must be at least 2");
    expect(loadConfig({ TEST_LOGIN_FLOW_TTL_SECONDS: "5", NODE_ENV: "test" }).TEST_LOGIN_FLOW_TTL_SECONDS).toBe(5);
    expect(loadConfig({}).TEST_LOGIN_FLOW_TTL_SECONDS).toBeUndefined();
  });

  it("refuses the test-only CIMD fetch limit outside NODE_ENV=test, and bounds it", () => {
    expect(problemsOf({ TEST_CIMD_FETCH_TIMEOUT_MS: "500" })).toContain("TEST_CIMD_FETCH_TIMEOUT_MS is only allowed with NODE_ENV=test");
    expect(problemsOf({ TEST_CIMD_FETCH_TIMEOUT_MS: "99", NODE_ENV: "test" })).toContain("must be at least 100");
    expect(problemsOf({ TEST_CIMD_FETCH_TIMEOUT_MS: "5001", NODE_ENV: "test" })).toContain("must be at most 5000");
    expect(loadConfig({ TEST_CIMD_FETCH_TIMEOUT_MS: "500", NODE_ENV: "test" }).TEST_CIMD_FETCH_TIMEOUT_MS).toBe(500);
    expect(loadConfig({}).TEST_CIMD_FETCH_TIMEOUT_MS).toBeUndefined();
  });

  it("requires an encryption key in production", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toContain("TOKEN_ENCRYPTION_KEYS is required in production");
    expect(loadConfig({ NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: KEY }).TOKEN_ENCRYPTION_KEYS?.[0]?.id).toBe("k1");
  });

  it.each([
    ["k1:short"],
    ["nokey"],
    [`bad id!:${Buffer.alloc(32).toString("base64")}`],
    [`${"k1:" + Buffer.alloc(32).toString("base64")},${"k1:" + Buffer.alloc(32, 1).toString("base64")}`],
  ])("rejects malformed TOKEN_ENCRYPTION_KEYS %s", (value) => {
    expect(problemsOf({ TOKEN_ENCRYPTION_KEYS: value })).toContain("TOKEN_ENCRYPTION_KEYS is invalid");
  });

  it("parses lists separated by commas or whitespace", () => {
    expect(loadConfig({ ALLOWED_ORIGINS: "https://a.example, https://b.example\nhttps://c.example" }).ALLOWED_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example",
      "https://c.example",
    ]);
  });
});
