/**
 * The CLIs as a new operator meets them: every one answers --help with its
 * usage, exit 0, and does nothing else (no database opened, no file
 * written); `config:check` and `npm start` report a bad configuration before
 * any build; `keys:show-generated` prints development's generated key as a
 * setting production accepts, and never creates one. The commands whose
 * logic is a main(argv, io) are also called in the test's process, one case
 * each; every way a person sees them end stays covered by a process.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load-config";
import { main as configCheck } from "../../scripts/cli/config-check";
import { main as configDocs } from "../../scripts/cli/config-docs";
import { main as dbMigrate } from "../../scripts/cli/db-migrate";
import { main as doctor } from "../../scripts/cli/doctor";
import { main as keysRotate } from "../../scripts/cli/keys-rotate";
import { main as keysRotateSigning } from "../../scripts/cli/keys-rotate-signing";
import { main as keysShowGenerated } from "../../scripts/cli/keys-show-generated";
import { main as userCli } from "../../scripts/cli/user-cli";
import { tempDir } from "../helpers/databases";
import { ROOT, runCli, runInProcess, runScript } from "../helpers/run-cli";

const fingerprint = (file: string) => createHash("sha256").update(readFileSync(path.join(ROOT, file))).digest("hex");
const noStackTrace = /\n\s+at .+:\d+:\d+/;

describe("operating the server from a terminal", { timeout: 240_000 }, () => {
  // A database nobody listens on: a command that tried to open it would fail or hang, not exit 0.
  const helpEnv = () => ({ DATA_DIR: path.join(tempDir("help"), "never-created"), DATABASE_URL: "postgres://nobody@127.0.0.1:9/none" });
  const documents = () => ({ readme: fingerprint("README.md"), envExample: fingerprint(".env.example") });

  it("every CLI answers --help (and -h) with its usage, exit 0, without touching a database or a file", async () => {
    const env = helpEnv();
    const before = documents();
    // The scripts without a main(argv, io) (their --help exits the process), and one with it (user-cli: its entry's exit).
    const commands: [string, string[]][] = [
      ["bench.ts", ["--help"]],
      ["bench-auth.ts", ["--help"]],
      ["bench-exchange.ts", ["-h"]],
      ["bench-idp.ts", ["--help"]],
      ["bench-tools.ts", ["--help"]],
      ["sandbox.ts", ["--help"]],
      ["user-cli.ts", ["add", "--help"]],
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
    expect(existsSync(env.DATA_DIR)).toBe(false);
    expect(documents()).toEqual(before);
  });

  describe("in the test's process", () => {
    // The commands read process.env (config:check and keys:show-generated: io.env): both point at nothing usable.
    const env = helpEnv();
    const saved: Record<string, string | undefined> = {};
    beforeAll(() => {
      for (const [name, value] of Object.entries(env)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
    });
    afterAll(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it.each([
      { label: "db-migrate.ts --help", main: dbMigrate, args: ["--help"] },
      { label: "db-migrate.ts -h", main: dbMigrate, args: ["-h"] },
      { label: "doctor.ts --help", main: doctor, args: ["--help"] },
      { label: "doctor.ts -h", main: doctor, args: ["-h"] },
      { label: "config-docs.ts --help", main: configDocs, args: ["--help"] },
      { label: "config-docs.ts -h", main: configDocs, args: ["-h"] },
      { label: "config-check.ts --help", main: configCheck, args: ["--help"] },
      { label: "config-check.ts -h", main: configCheck, args: ["-h"] },
      { label: "keys-rotate.ts --help", main: keysRotate, args: ["--help"] },
      { label: "keys-rotate-signing.ts --help", main: keysRotateSigning, args: ["--help"] },
      { label: "keys-show-generated.ts --help", main: keysShowGenerated, args: ["--help"] },
      { label: "keys-show-generated.ts -h", main: keysShowGenerated, args: ["-h"] },
      { label: "user-cli.ts --help", main: userCli, args: ["--help"] },
      { label: "user-cli.ts -h", main: userCli, args: ["-h"] },
      { label: "user-cli.ts help", main: userCli, args: ["help"] },
      { label: "user-cli.ts add --help", main: userCli, args: ["add", "--help"] },
      { label: "user-cli.ts list -h", main: userCli, args: ["list", "-h"] },
      { label: "user-cli.ts passwd --help", main: userCli, args: ["passwd", "--help"] },
      { label: "user-cli.ts disable --help", main: userCli, args: ["disable", "--help"] },
      { label: "user-cli.ts enable --help", main: userCli, args: ["enable", "--help"] },
    ])("$label answers with its usage, exit 0, without touching a database or a file", async ({ label, main, args }) => {
      const before = documents();
      const result = await runInProcess(main, args, { env });
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(result.stdout, label).toMatch(/^Usage: npm run /m);
      expect(result.stderr, label).toBe("");
      expect(existsSync(env.DATA_DIR)).toBe(false);
      expect(documents()).toEqual(before);
    });
  });

  it("is wired in package.json: `npm run db:migrate -- --help` answers with the usage", async () => {
    const result = await runCli("npm", ["run", "-s", "db:migrate", "--", "--help"], { DATABASE_URL: "postgres://nobody@127.0.0.1:9/none" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run db:migrate/m);
  });

  it("config:check names each problem of a production configuration, and warns when a local APP_URL's port is not PORT", async () => {
    // As processes: a refusal (exit 1) and a success (exit 0); each case again, and more, in-process below.
    const [bad, follows] = await Promise.all([
      runScript("config-check.ts", [], { NODE_ENV: "production", APP_URL: "not a url" }),
      runScript("config-check.ts", [], { PORT: "4106" }),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/APP_URL is invalid/);
    expect(bad.stderr).not.toMatch(noStackTrace);
    expect(follows.code).toBe(0);
    expect(follows.stderr).not.toMatch(/warning/);
    expect(follows.stdout).toContain("APP_URL=http://localhost:4106");
  });

  const key = `k1:${randomBytes(32).toString("base64")}`;
  it.each<{ label: string; env: Record<string, string>; code: number; stdout?: RegExp; stderr?: RegExp }>([
    { label: "a URL that is none", env: { NODE_ENV: "production", APP_URL: "not a url" }, code: 1, stderr: /APP_URL is invalid/ },
    { label: "production without a key", env: { NODE_ENV: "production", APP_URL: "https://mcp.example.com" }, code: 1, stderr: /TOKEN_ENCRYPTION_KEYS is required in production/ },
    { label: "production with a short key", env: { NODE_ENV: "production", APP_URL: "https://mcp.example.com", TOKEN_ENCRYPTION_KEYS: "k1:c2hvcnQ=" }, code: 1, stderr: /TOKEN_ENCRYPTION_KEYS/ },
    { label: "a good production configuration", env: { NODE_ENV: "production", APP_URL: "https://mcp.example.com", TOKEN_ENCRYPTION_KEYS: key }, code: 0, stdout: /configuration ok \(NODE_ENV=production, APP_URL=https:\/\/mcp\.example\.com\)/ },
    { label: "a local APP_URL on another port than PORT", env: { PORT: "4106", APP_URL: "http://localhost:3000" }, code: 0, stderr: /APP_URL .*port 3000.*PORT=4106/ },
    { label: "PORT alone", env: { PORT: "4106" }, code: 0, stdout: /APP_URL=http:\/\/localhost:4106/, stderr: /^$/ },
  ])("config:check on $label: exit $code (in-process)", async ({ env, code, stdout, stderr }) => {
    const result = await runInProcess(configCheck, [], { env });
    expect(result.code, result.stderr).toBe(code);
    if (stdout) expect(result.stdout).toMatch(stdout);
    if (stderr) expect(result.stderr).toMatch(stderr);
    expect(result.stderr).not.toMatch(noStackTrace);
    expect(`${result.stdout}${result.stderr}`).not.toContain(key.slice(3));
    if (code === 0) expect(result.stderr).not.toMatch(/cannot start/);
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

    // Damaged: the same command in this process.
    writeFileSync(path.join(dataDir, "encryption.key"), "local-abc123:short\n");
    const damaged = await runInProcess(keysShowGenerated, [], { env: { DATA_DIR: dataDir } });
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toBe("");
    expect(damaged.stderr).toMatch(/damaged/);
  });

  // What is in DATA_DIR/encryption.key, the command's main() in this process: each file one case.
  const validKey = () => `local-abc123:${randomBytes(32).toString("base64")}`;
  it.each([
    { label: "nothing", content: undefined, code: 1, stderr: /No generated key in .*encryption\.key/ },
    { label: "an empty file", content: "\n", code: 1, stderr: /damaged/ },
    { label: "a short key", content: "local-abc123:short\n", code: 1, stderr: /damaged/ },
    { label: "an id too long", content: `${"i".repeat(33)}:${randomBytes(32).toString("base64")}\n`, code: 1, stderr: /damaged/ },
    { label: "one good and one bad entry", content: `${validKey()}\nlocal-x:short\n`, code: 1, stderr: /damaged/ },
    { label: "a good key", content: `${validKey()}\n`, code: 0, stderr: /The key development generated/ },
    { label: "two good keys", content: `${validKey()} ${validKey()}\n`, code: 0, stderr: /The key development generated/ },
  ])("keys:show-generated with $label in DATA_DIR: exit $code, the key on stdout only when it is sound (in-process)", async ({ content, code, stderr }) => {
    const dataDir = tempDir("keys-in-process");
    if (content !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(path.join(dataDir, "encryption.key"), content, { mode: 0o600 });
    }
    const result = await runInProcess(keysShowGenerated, [], { env: { DATA_DIR: dataDir } });
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).not.toMatch(noStackTrace);
    if (code === 0) {
      const entries = content!.split(/\s+/).filter(Boolean);
      expect(result.stdout).toBe(`TOKEN_ENCRYPTION_KEYS=${entries.join(",")}\n`);
      for (const entry of entries) expect(result.stderr).not.toContain(entry.split(":")[1]);
    } else {
      expect(result.stdout).toBe("");
    }
    if (content === undefined) expect(existsSync(path.join(dataDir, "encryption.key"))).toBe(false);
  });
});
