/**
 * `npm run sandbox` as a person runs it: a standalone process that trusts the
 * given issuer, answers the OCS user endpoint, and stops on SIGTERM.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/ports";
import { tempDir } from "../helpers/databases";
import { startTestIssuer, type TestIssuer } from "../helpers/test-issuer";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
// `node --import tsx` rather than the tsx CLI: the CLI's signal relay answers a
// process-group SIGTERM with its own exit code, hiding the script's.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => issuer?.close());

describe("npm run sandbox", () => {
  it("starts standalone, serves the token's user, and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/sandbox.ts", "--port", String(port), "--issuer", issuer.issuer, "--record-tokens", "--seed", "dora"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DATA_DIR: tempDir("sandbox-cli"), NODE_ENV: "test" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes("Nextcloud SANDBOX") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`Nextcloud SANDBOX (test and demo data, not a real Nextcloud) on http://127.0.0.1:${port}`);
      expect(out).toContain(`trusts tokens from ${issuer.issuer} with audience "nextcloud"`);
      const r = await fetch(`http://127.0.0.1:${port}/ocs/v2.php/cloud/user?format=json`, {
        headers: { authorization: `Bearer ${await issuer.mint({ sub: "dora" })}`, "OCS-APIRequest": "true" },
      });
      expect(r.status).toBe(200);
      expect((await r.json()).ocs.data.id).toBe("dora");
      // --seed: dora starts with the demo notes.
      const notes = await fetch(`http://127.0.0.1:${port}/index.php/apps/notes/api/v1/notes`, {
        headers: { authorization: `Bearer ${await issuer.mint({ sub: "dora", scope: "notes.read" })}`, "OCS-APIRequest": "true" },
      });
      expect(((await notes.json()) as unknown[]).length).toBeGreaterThan(0);
      const seen = await (await fetch(`http://127.0.0.1:${port}/__sandbox/seen`)).json();
      expect(seen.tokens.map((t: { sub: string }) => t.sub)).toEqual(["dora", "dora"]);
    } finally {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    }
    expect(await exited).toBe(0);
  });

  it("refuses a bad flag with a usage line", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/sandbox.ts", "--port", "nope"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DATA_DIR: tempDir("sandbox-cli"), NODE_ENV: "test" },
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--port must be a port number.*\nUsage: npm run sandbox/);
  });
});
