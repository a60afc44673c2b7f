/**
 * The app password never reaches tool code: the credential a tool's
 * connection carries has no field holding it (compile-time, @ts-expect-error)
 * and no enumerable, serialisable or inspectable trace of it (run time); it
 * is decrypted per request, only through openCredentialForSending, which only
 * the sender imports.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { appPasswordCredential, openCredentialForSending, type NextcloudCredential } from "@/lib/nextcloud/nextcloud-credential";

const SECRET = "s3cret-app-password";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("NextcloudCredential", () => {
  it("has no readable password (types)", () => {
    const credential: NextcloudCredential = appPasswordCredential("alice", async () => SECRET);
    // @ts-expect-error — the type has no password field
    expect(credential.appPassword).toBeUndefined();
    // @ts-expect-error — nor any other name for it
    expect(credential.password).toBeUndefined();
    // @ts-expect-error — an object literal cannot pass for a credential (brand)
    const forged: NextcloudCredential = { kind: "app-password", loginName: "alice" };
    expect(forged.loginName).toBe("alice");
  });

  it("holds no trace of the password at run time, and is frozen", () => {
    const credential = appPasswordCredential("alice", async () => SECRET);
    expect(JSON.stringify({ credential })).not.toContain(SECRET);
    expect(inspect(credential, { showHidden: true, depth: 5 })).not.toContain(SECRET);
    expect(Object.values(credential).join(" ")).not.toContain(SECRET);
    expect(Object.isFrozen(credential)).toBe(true);
  });

  it("decrypts per request: the opener runs on every send, nothing is cached", async () => {
    let opened = 0;
    const credential = appPasswordCredential("alice", async () => {
      opened++;
      return SECRET;
    });
    const expected = `Basic ${Buffer.from(`alice:${SECRET}`).toString("base64")}`;
    expect(await openCredentialForSending(credential)).toBe(expected);
    expect(await openCredentialForSending(credential)).toBe(expected);
    expect(opened).toBe(2);
  });

  it("refuses a look-alike object", async () => {
    const forged = Object.freeze({ kind: "app-password", loginName: "alice" }) as unknown as NextcloudCredential;
    await expect(openCredentialForSending(forged)).rejects.toThrow(TypeError);
  });

  it("is opened only by the sender", () => {
    const importers = [...sourceFiles("lib"), ...sourceFiles("app")].filter((f) => readFileSync(f, "utf8").includes("openCredentialForSending"));
    expect(importers.sort()).toEqual(["lib/nextcloud/nextcloud-credential.ts", "lib/nextcloud/send-nextcloud-request.ts"]);
  });
});
