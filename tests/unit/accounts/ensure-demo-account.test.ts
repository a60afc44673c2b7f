import { describe, expect, it } from "vitest";
import { demoAccountsAllowed, formatDemoAccountNotice } from "@/lib/accounts/ensure-demo-account";
import { loadConfig } from "@/lib/config";

describe("demo account policy", () => {
  const base = { TOKEN_ENCRYPTION_KEYS: "k1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=" };
  it("is allowed in development and test, refused in production unless ALLOW_DEMO_ACCOUNTS=true", () => {
    expect(demoAccountsAllowed(loadConfig({ ...base, NODE_ENV: "development" }))).toBe(true);
    expect(demoAccountsAllowed(loadConfig({ ...base, NODE_ENV: "test" }))).toBe(true);
    expect(demoAccountsAllowed(loadConfig({ ...base, NODE_ENV: "production" }))).toBe(false);
    expect(demoAccountsAllowed(loadConfig({ ...base, NODE_ENV: "production", ALLOW_DEMO_ACCOUNTS: "false" }))).toBe(false);
    expect(demoAccountsAllowed(loadConfig({ ...base, NODE_ENV: "production", ALLOW_DEMO_ACCOUNTS: "true" }))).toBe(true);
  });

  it("is refused with an external IdP (its users sign in there)", () => {
    const external = { ...base, NODE_ENV: "development", OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_SECRET: "a-long-enough-test-secret" };
    expect(demoAccountsAllowed(loadConfig(external))).toBe(false);
  });

  it("labels the one-time notice clearly", () => {
    const notice = formatDemoAccountNotice({ username: "demo", password: "pw-123" });
    expect(notice).toContain("DEMO ACCOUNT CREATED");
    expect(notice).toMatch(/Username: demo\n/);
    expect(notice).toMatch(/Password: pw-123\n/);
  });
});
