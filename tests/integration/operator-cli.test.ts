/**
 * The CLIs as a new operator meets them: every one answers --help with its
 * usage, exit 0, and does nothing else (no database opened, no file
 * written); `config:check` and `npm start` report a bad configuration before
 * any build; `keys:show-generated` prints development's generated key as a
 * setting production accepts, and never creates one.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load-config";
import { tempDir } from "../helpers/databases";
import { ROOT, runCli, runScript } from "../helpers/run-cli";

const fingerprint = (file: string) => createHash("sha256").update(readFileSync(path.join(ROOT, file))).digest("hex");
const noStackTrace = /\n\s+at .+:\d+:\d+/;

describe("operating the server from a terminal", { timeout: 240_000 }, () => {
  it("every CLI answers --help (and -h) with its usage, exit 0, without touching a database or a file", async () => {
    const dataDir = path.join(tempDir("help"), "never-created");
    // A database nobody listens on: a command that tried to open it would fail or hang, not exit 0.
    const env = { DATA_DIR: dataDir, DATABASE_URL: "postgres://nobody@127.0.0.1:9/none" };
    const before = { readme: fingerprint("README.md"), envExample: fingerprint(".env.example") };
    const commands: [string, string[]][] = [
      ["bench.ts", ["--help"]],
      ["bench-auth.ts", ["--help"]],
      ["bench-exchange.ts", ["-h"]],
      ["bench-idp.ts", ["--help"]],
      ["bench-tools.ts", ["--help"]],
      ["db-migrate.ts", ["--help"]],
      ["doctor.ts", ["--help"]],
      ["config-docs.ts", ["--help"]],
      ["config-check.ts", ["--help"]],
      ["keys-rotate.ts", ["--help"]],
      ["keys-show-generated.ts", ["--help"]],
      ["sandbox.ts", ["--help"]],
      ["user-cli.ts", ["--help"]],
      ["user-cli.ts", ["add", "--help"]],
      ["user-cli.ts", ["list", "-h"]],
      ["user-cli.ts", ["passwd", "--help"]],
      ["user-cli.ts", ["disable", "--help"]],
      ["user-cli.ts", ["enable", "--help"]],
    ];
    // Two at a time: each is a tsx process, the machine has two cores.
    const results = [];
    for (let i = 0; i < commands.length; i += 2) {
      results.push(...(await Promise.all(commands.slice(i, i + 2).map(([file, args]) => runScript(file, args, env, { timeoutMs: 60_000 })))));
    }
    for (const [i, [file, args]] of commands.entries()) {
      const result = results[i]!;
      const label = `${file} ${args.join(" ")}`;
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(result.stdout, label).toMatch(/^Usage: npm run /m);
      expect(result.stderr, label).not.toMatch(noStackTrace);
    }
    expect(existsSync(dataDir)).toBe(false);
    expect({ readme: fingerprint("README.md"), envExample: fingerprint(".env.example") }).toEqual(before);
  });

  it("is wired in package.json: `npm run db:migrate -- --help` answers with the usage", async () => {
    const result = await runCli("npm", ["run", "-s", "db:migrate", "--", "--help"], { DATABASE_URL: "postgres://nobody@127.0.0.1:9/none" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run db:migrate/m);
  });

  it("config:check names each problem of a production configuration, and warns when a local APP_URL's port is not PORT", async () => {
    const bad = await runScript("config-check.ts", [], { NODE_ENV: "production", APP_URL: "not a url" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/APP_URL is invalid/);
    expect(bad.stderr).not.toMatch(noStackTrace);

    const noKey = await runScript("config-check.ts", [], { NODE_ENV: "production", APP_URL: "https://mcp.example.com" });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/TOKEN_ENCRYPTION_KEYS is required in production/);

    const key = `k1:${randomBytes(32).toString("base64")}`;
    const good = await runScript("config-check.ts", [], { NODE_ENV: "production", APP_URL: "https://mcp.example.com", TOKEN_ENCRYPTION_KEYS: key });
    expect(good.code).toBe(0);
    expect(`${good.stdout}${good.stderr}`).not.toContain(key.slice(3));

    const mismatch = await runScript("config-check.ts", [], { PORT: "4106", APP_URL: "http://localhost:3000" });
    expect(mismatch.code).toBe(0);
    expect(mismatch.stderr).toMatch(/APP_URL .*port 3000.*PORT=4106/);
    const follows = await runScript("config-check.ts", [], { PORT: "4106" });
    expect(follows.stderr).not.toMatch(/warning/);
    expect(follows.stdout).toContain("APP_URL=http://localhost:4106");
  });

  it("npm start refuses a bad configuration before building anything", async () => {
    const distDir = path.join(tempDir("dist"), "never-built");
    const started = Date.now();
    const result = await runCli(process.execPath, ["scripts/start.mjs", "prod"], { NEXT_DIST_DIR: distDir, NEXTCLOUD_URL: "https://cloud.example.com" }, { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TOKEN_ENCRYPTION_KEYS is required in production/);
    expect(existsSync(distDir)).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("keys:show-generated prints development's key as a TOKEN_ENCRYPTION_KEYS line production accepts, and never creates one", async () => {
    const dataDir = tempDir("keys");
    const none = await runScript("keys-show-generated.ts", [], { DATA_DIR: dataDir });
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("");
    expect(readdirSync(dataDir)).toEqual([]);

    // The file development writes (lib/crypto/key-ring.ts): one id:base64 line, mode 0600.
    mkdirSync(dataDir, { recursive: true });
    const generated = `local-abc123:${randomBytes(32).toString("base64")}`;
    writeFileSync(path.join(dataDir, "encryption.key"), `${generated}\n`, { mode: 0o600 });
    const shown = await runScript("keys-show-generated.ts", [], { DATA_DIR: dataDir });
    expect(shown.code).toBe(0);
    const line = shown.stdout.trim();
    expect(line).toBe(`TOKEN_ENCRYPTION_KEYS=${generated}`);
    const config = loadConfig({ NODE_ENV: "production", APP_URL: "https://mcp.example.com", TOKEN_ENCRYPTION_KEYS: line.split("=").slice(1).join("=") });
    expect(config.TOKEN_ENCRYPTION_KEYS?.map((k) => k.id)).toEqual(["local-abc123"]);

    writeFileSync(path.join(dataDir, "encryption.key"), "local-abc123:short\n");
    const damaged = await runScript("keys-show-generated.ts", [], { DATA_DIR: dataDir });
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toBe("");
    expect(damaged.stderr).toMatch(/damaged/);
  });
});
