import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load-config";

const production = { NODE_ENV: "production", APP_URL: "https://mcp.example.com", TOKEN_ENCRYPTION_KEYS: "k1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=" };

describe("on a serverless runtime (VERCEL=1)", () => {
  it("refuses to start without DATABASE_URL and NEXTCLOUD_URL, naming both", () => {
    expect(() => loadConfig({ ...production, VERCEL: "1" })).toThrow(/DATABASE_URL is required on Vercel[\s\S]*NEXTCLOUD_URL is required on Vercel/);
    expect(() => loadConfig({ ...production, VERCEL: "1", DATABASE_URL: "postgres://u@db.example.com/x" })).toThrow(/NEXTCLOUD_URL is required on Vercel/);
  });

  it("starts with both, with a small pool unless DATABASE_POOL_MAX says otherwise", () => {
    const env = { ...production, VERCEL: "1", DATABASE_URL: "postgres://u@pooler.example.com/x", NEXTCLOUD_URL: "https://cloud.example.com" };
    expect(loadConfig(env).DATABASE_POOL_MAX).toBe(3);
    expect(loadConfig({ ...env, DATABASE_POOL_MAX: "5" }).DATABASE_POOL_MAX).toBe(5);
    expect(() => loadConfig({ ...env, DATABASE_POOL_MAX: "1" })).toThrow(/DATABASE_POOL_MAX is invalid: must be at least 2/);
  });

  it("runs background jobs from the cron route, not in a process that outlives no request", () => {
    const env = { ...production, VERCEL: "1", DATABASE_URL: "postgres://u@pooler.example.com/x", NEXTCLOUD_URL: "https://cloud.example.com" };
    expect(loadConfig(env).BACKGROUND_JOBS).toBe("cron");
    expect(loadConfig({ ...env, BACKGROUND_JOBS: "off" }).BACKGROUND_JOBS).toBe("off");
    expect(loadConfig(production).BACKGROUND_JOBS).toBe("in-process");
  });

  it("elsewhere the embedded database and the sandbox stay the defaults, with a pool of 10", () => {
    const config = loadConfig({});
    expect(config.VERCEL).toBeUndefined();
    expect(config.DATABASE_POOL_MAX).toBe(10);
  });
});

describe("Vercel's system variables", () => {
  const base = { ...production, APP_URL: "", VERCEL: "1", DATABASE_URL: "postgres://u@pooler.example.com/x", NEXTCLOUD_URL: "https://cloud.example.com" };

  it("give APP_URL (production domain, or the preview's own URL) unless it is set", () => {
    expect(loadConfig({ ...base, VERCEL_ENV: "production", VERCEL_PROJECT_PRODUCTION_URL: "mcp.example.com", VERCEL_URL: "x-123.vercel.app" }).APP_URL).toBe("https://mcp.example.com");
    expect(loadConfig({ ...base, VERCEL_ENV: "preview", VERCEL_PROJECT_PRODUCTION_URL: "mcp.example.com", VERCEL_URL: "x-123.vercel.app" }).APP_URL).toBe("https://x-123.vercel.app");
    expect(loadConfig({ ...base, APP_URL: "https://own.example.com", VERCEL_PROJECT_PRODUCTION_URL: "mcp.example.com" }).APP_URL).toBe("https://own.example.com");
    expect(loadConfig({ ...base, VERCEL_PROJECT_PRODUCTION_URL: "evil.example.com/path?x" }).APP_URL).toBe("http://localhost:3000");
  });

  it("migrations use Neon's unpooled URL (session-level advisory lock) when the store provides it", () => {
    expect(loadConfig({ ...base, DATABASE_URL_UNPOOLED: "postgres://u@direct.example.com/x" }).DATABASE_DIRECT_URL).toBe("postgres://u@direct.example.com/x");
    expect(loadConfig(base).DATABASE_DIRECT_URL).toBeUndefined();
  });
});
