import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load-config";

const README = readFileSync(path.resolve(import.meta.dirname, "..", "..", "..", "README.md"), "utf8");

function buttonUrl(): URL {
  const match = /\[!\[Deploy with Vercel\]\(https:\/\/vercel\.com\/button\)\]\((https:\/\/vercel\.com\/new\/clone\?[^)\s]+)\)/.exec(README);
  if (!match) throw new Error("no Deploy with Vercel button in the README");
  return new URL(match[1]!);
}

describe("the README's Deploy with Vercel button", () => {
  it("is in the third section, Deploy", () => {
    expect(README.match(/^## .+$/gm)?.slice(0, 3)).toEqual(["## What it is", "## First run", "## Deploy"]);
  });

  it("asks for exactly NEXTCLOUD_URL and TOKEN_ENCRYPTION_KEYS, with a description and a link, and provisions PostgreSQL", () => {
    const url = buttonUrl();
    expect(url.searchParams.get("env")?.split(",")).toEqual(["NEXTCLOUD_URL", "TOKEN_ENCRYPTION_KEYS"]);
    const description = url.searchParams.get("envDescription") ?? "";
    for (const name of ["NEXTCLOUD_URL", "TOKEN_ENCRYPTION_KEYS"]) expect(description).toContain(name);
    expect(url.searchParams.get("envLink")).toMatch(/docs\/deploy\.md#vercel$/);
    expect(JSON.parse(url.searchParams.get("stores") ?? "[]")).toEqual([expect.objectContaining({ integrationSlug: "neon" })]);
  });

  it("those values, the store's and Vercel's own variables are a configuration that starts; one fewer is refused", () => {
    const vercel = { NODE_ENV: "production", VERCEL: "1", VERCEL_ENV: "production", VERCEL_PROJECT_PRODUCTION_URL: "nextcloud-mcp.vercel.app" };
    const store = { DATABASE_URL: "postgres://u:p@pooler.example.com/db", DATABASE_URL_UNPOOLED: "postgres://u:p@direct.example.com/db" };
    const button = { NEXTCLOUD_URL: "https://cloud.example.com", TOKEN_ENCRYPTION_KEYS: "k1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=" };
    const config = loadConfig({ ...vercel, ...store, ...button });
    expect(config).toMatchObject({ APP_URL: "https://nextcloud-mcp.vercel.app", DATABASE_POOL_MAX: 3, DATABASE_DIRECT_URL: store.DATABASE_URL_UNPOOLED });
    for (const name of buttonUrl().searchParams.get("env")!.split(",")) {
      expect(() => loadConfig({ ...vercel, ...store, ...button, [name]: "" }), name).toThrow(new RegExp(name));
    }
  });
});
