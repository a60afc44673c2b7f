/**
 * The sandbox as a faithful double of a real Nextcloud: each test pins one
 * fact measured on an unmodified Nextcloud 32.0.1 + user_oidc 8.10.1 +
 * Notes 5.0.2 with bearer JWTs (issue 13's two tables and its notes), and is
 * named after it. Raw HTTP against the sandbox, tokens from a real issuer.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { useNextcloudSandbox } from "../helpers/sandbox-fixture";

const USER = "/ocs/v2.php/cloud/user?format=json";
const NOTES = "/index.php/apps/notes/api/v1/notes";
const SETTINGS = "/index.php/apps/notes/api/v1/settings";
const OCS = { "OCS-APIRequest": "true" };
// The test issuer and a sandbox that trusts it (the Nextcloud client tests' shared setup).
const nc = useNextcloudSandbox();

const ALL = "account.read notes.read notes.write files.read files.write";
const tokenFor = (sub: string, claims: Record<string, unknown> = {}) => nc.issuer.mint({ sub, scope: ALL, ...claims });

async function send(method: string, path: string, options: { token?: string; authorization?: string; headers?: Record<string, string>; body?: string; at?: Sandbox } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  else if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${(options.at ?? nc.sandbox).url}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, any> };
}

const dav = (uid: string, path = "") => `/remote.php/dav/files/${uid}/${path}`;
const propfind = { depth: "1", "content-type": "application/xml" };

describe("table 1: bearer requests (Nextcloud 32.0.1 + user_oidc 8.10.1 + Notes 5.0.2)", () => {
  it("OCS cloud/user answers 200 with or without OCS-APIRequest, and the first call provisions the user (backend user_oidc)", async () => {
    const token = await tokenFor("c-ocs");
    expect(nc.sandbox.users.get("c-ocs")).toBeUndefined();
    const without = await send("GET", USER, { token });
    expect(without.status).toBe(200);
    expect(without.json.ocs.data).toMatchObject({ id: "c-ocs", backend: "user_oidc" });
    expect((await send("GET", USER, { token, headers: OCS })).status).toBe(200);
  });

  it("OCS with a lowercase `bearer` and no OCS-APIRequest is 412 CSRF check failed", async () => {
    const r = await send("GET", USER, { authorization: `bearer ${await tokenFor("c-csrf")}` });
    expect(r.status).toBe(412);
    expect(r.json).toEqual({ message: "CSRF check failed" });
    // With the header, the same request passes.
    expect((await send("GET", USER, { authorization: `bearer ${await tokenFor("c-csrf")}`, headers: OCS })).status).toBe(200);
  });

  it("WebDAV PROPFIND (Depth 1) / PUT / GET on the user's files answer 207 / 201 / 200", async () => {
    const token = await tokenFor("c-dav");
    expect((await send("PROPFIND", dav("c-dav"), { token, headers: propfind })).status).toBe(207);
    expect((await send("PUT", dav("c-dav", "hello.txt"), { token, body: "hi" })).status).toBe(201);
    const got = await send("GET", dav("c-dav", "hello.txt"), { token });
    expect(got).toMatchObject({ status: 200, text: "hi" });
  });

  it("Notes API without OCS-APIRequest is 401 CORS requires basic auth (Notes' controllers are #[CORS])", async () => {
    const token = await tokenFor("c-cors");
    for (const [method, body] of [["GET", undefined], ["POST", '{"content":"x"}']] as const) {
      const r = await send(method, NOTES, { token, body, headers: body ? { "content-type": "application/json" } : {} });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ message: "CORS requires basic auth" });
    }
  });

  it("Notes API with OCS-APIRequest: list, create, get, PUT with If-Match, DELETE, settings answer 200", async () => {
    const token = await tokenFor("c-notes");
    const json = { ...OCS, "content-type": "application/json" };
    expect((await send("GET", NOTES, { token, headers: OCS })).status).toBe(200);
    const created = await send("POST", NOTES, { token, headers: json, body: JSON.stringify({ content: "# A\nbody" }) });
    expect(created.status).toBe(200);
    const { id, etag } = created.json as { id: number; etag: string };
    expect((await send("GET", `${NOTES}/${id}`, { token, headers: OCS })).status).toBe(200);
    const updated = await send("PUT", `${NOTES}/${id}`, { token, headers: { ...json, "if-match": `"${etag}"` }, body: JSON.stringify({ content: "# A\nnew" }) });
    expect(updated.status).toBe(200);
    expect((await send("DELETE", `${NOTES}/${id}`, { token, headers: OCS })).status).toBe(200);
    const settings = await send("GET", SETTINGS, { token, headers: OCS });
    expect(settings).toMatchObject({ status: 200, json: { notesPath: "Notes", fileSuffix: ".md" } });
    const changed = await send("PUT", SETTINGS, { token, headers: json, body: JSON.stringify({ fileSuffix: ".txt" }) });
    expect(changed).toMatchObject({ status: 200, json: { fileSuffix: ".txt" } });
    expect((await send("GET", SETTINGS, { token })).status).toBe(401); // #[CORS] too
  });

  it("Notes API: a stale If-Match is 412 with the current note as the body", async () => {
    const token = await tokenFor("c-stale");
    const json = { ...OCS, "content-type": "application/json" };
    const created = (await send("POST", NOTES, { token, headers: json, body: JSON.stringify({ content: "v1" }) })).json as { id: number; etag: string };
    await send("PUT", `${NOTES}/${created.id}`, { token, headers: json, body: JSON.stringify({ content: "v2" }) });
    const stale = await send("PUT", `${NOTES}/${created.id}`, { token, headers: { ...json, "if-match": `"${created.etag}"` }, body: JSON.stringify({ content: "v3" }) });
    expect(stale.status).toBe(412);
    expect(stale.json).toMatchObject({ id: created.id, content: "v2" });
  });

  it("Notes API: an unknown note id is 404 with errorType NoteDoesNotExistException", async () => {
    const r = await send("GET", `${NOTES}/999999`, { token: await tokenFor("c-404"), headers: OCS });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errorType: "OCA\\Notes\\Service\\NoteDoesNotExistException" });
  });

  it("wrong aud, wrong iss, expired (no leeway), tampered, unknown kid and no auth are 401 on OCS (997), WebDAV (Basic realm) and Notes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await tokenFor("c-bad");
    const [head, payload, signature] = good.split(".");
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), sub: "admin" })).toString("base64url")}.${signature}`;
    const unpublished = await nc.issuer.addKey({ publish: false });
    const bad: Record<string, string | undefined> = {
      "wrong aud": await tokenFor("c-bad", { aud: "mcp-server" }),
      "wrong iss": await tokenFor("c-bad", { iss: "https://evil.example" }),
      // One second past exp: a 30 s or 60 s leeway would still accept it.
      expired: await tokenFor("c-bad", { iat: now - 120, exp: now - 1 }),
      tampered,
      "unknown kid": await nc.issuer.mint({ sub: "c-bad", scope: ALL }, { key: unpublished }),
      "no auth": undefined,
    };
    for (const [name, token] of Object.entries(bad)) {
      const ocs = await send("GET", USER, { token, headers: OCS });
      expect(ocs.status, name).toBe(401);
      expect(ocs.json.ocs.meta.statuscode, name).toBe(997);
      const webdav = await send("PROPFIND", dav("c-bad"), { token, headers: propfind });
      expect(webdav.status, name).toBe(401);
      expect(webdav.headers.get("www-authenticate"), name).toMatch(/^Basic realm="Nextcloud"/);
      expect((await send("GET", NOTES, { token, headers: OCS })).status, name).toBe(401);
    }
  });

  it("Bob's token: PROPFIND on Alice's DAV root is 207 with an empty collection stub; GET of Alice's file is 404", async () => {
    await send("PUT", dav("c-alice", "private.txt"), { token: await tokenFor("c-alice"), body: "alice only" });
    const bob = await tokenFor("c-bob");
    const root = await send("PROPFIND", dav("c-alice"), { token: bob, headers: propfind });
    expect(root.status).toBe(207);
    expect(root.text.match(/<d:response>/g)).toHaveLength(1);
    expect(root.text).not.toContain("private.txt");
    expect((await send("GET", dav("c-alice", "private.txt"), { token: bob })).status).toBe(404);
  });
});

describe("user_oidc's provider settings", () => {
  it("aud must equal the provider's client id (an array must contain it)", async () => {
    expect((await send("GET", USER, { token: await tokenFor("c-aud", { aud: "nextcloud" }) })).status).toBe(200);
    expect((await send("GET", USER, { token: await tokenFor("c-aud", { aud: ["other", "nextcloud"] }) })).status).toBe(200);
    expect((await send("GET", USER, { token: await tokenFor("c-aud", { aud: "nextcloud-other" }) })).status).toBe(401);
    expect((await send("GET", USER, { token: await tokenFor("c-aud", { aud: "Nextcloud" }) })).status).toBe(401);
  });

  it("the uid comes from the mapping claim; --unique-uid stores sha256(<provider id>_0_<value>); current-user-principal names the real uid", async () => {
    const hashed = await startSandbox({ issuer: nc.issuer.issuer, userMapping: { uidMapping: "sub", uniqueUid: true, providerId: 1 } });
    try {
      const token = await tokenFor("c-unique", { preferred_username: "not-used" });
      const uid = createHash("sha256").update("1_0_c-unique").digest("hex");
      expect((await send("GET", USER, { token, at: hashed })).json.ocs.data.id).toBe(uid);
      const principal = await send("PROPFIND", "/remote.php/dav/", { token, at: hashed, headers: { depth: "0" } });
      expect(principal.text).toContain(`/remote.php/dav/principals/users/${uid}/`);
      // The hashed uid is the files URL's user segment.
      expect((await send("PROPFIND", dav(uid), { token, at: hashed, headers: propfind })).status).toBe(207);
    } finally {
      await hashed.close();
    }
  });

  it("a token without the mapping claim names no user and is refused (401)", async () => {
    const strict = await startSandbox({ issuer: nc.issuer.issuer, userMapping: { uidMapping: "preferred_username" } });
    try {
      expect((await send("GET", USER, { token: await tokenFor("c-nomap"), at: strict })).status).toBe(401);
      const mapped = await send("GET", USER, { token: await tokenFor("c-nomap", { preferred_username: "carla" }), at: strict });
      expect(mapped.json.ocs.data.id).toBe("carla");
    } finally {
      await strict.close();
    }
  });

  it("bearer provisioning takes the display name from `name` and the email from `email`", async () => {
    const r = await send("GET", USER, { token: await tokenFor("c-x", { preferred_username: "alice", name: "Alice Example", email: "alice@example.test" }) });
    expect(r.json.ocs.data).toMatchObject({ id: "alice", displayname: "Alice Example", email: "alice@example.test" });
  });

  it("the JWKS is cached and not refetched for an unknown kid: a new key is refused until the cache expires (or is cleared)", async () => {
    const ttl = 1_500;
    const cached = await startSandbox({ issuer: nc.issuer.issuer, jwksCacheTtlMs: ttl });
    try {
      const cachedBy = Date.now();
      expect((await send("GET", USER, { token: await tokenFor("c-jwks"), at: cached })).status).toBe(200);
      const fresh = await nc.issuer.addKey();
      const signedWithNew = await nc.issuer.mint({ sub: "c-jwks", scope: ALL }, { key: fresh });
      const fetchedBefore = nc.issuer.hits.jwks;
      const refused = await send("GET", USER, { token: signedWithNew, at: cached });
      // Only while the cached set is certainly fresh (a loaded machine may take longer than the lifetime).
      if (Date.now() - cachedBy < ttl) {
        expect(refused.status).toBe(401);
        expect(nc.issuer.hits.jwks).toBe(fetchedBefore);
      }
      // The cure: the cache expires...
      await vi.waitUntil(async () => (await send("GET", USER, { token: signedWithNew, at: cached })).status === 200, { timeout: 10_000, interval: 100 });
    } finally {
      await cached.close();
    }
    // ...or the admin re-saves the provider (invalidate), here with user_oidc's one-hour lifetime.
    const hour = await startSandbox({ issuer: nc.issuer.issuer, jwksCacheTtlMs: 3_600_000 });
    try {
      expect((await send("GET", USER, { token: await tokenFor("c-jwks"), at: hour })).status).toBe(200);
      const another = await nc.issuer.addKey();
      const signedWithAnother = await nc.issuer.mint({ sub: "c-jwks", scope: ALL }, { key: another });
      expect((await send("GET", USER, { token: signedWithAnother, at: hour })).status).toBe(401);
      hour.keys.invalidate();
      expect((await send("GET", USER, { token: signedWithAnother, at: hour })).status).toBe(200);
    } finally {
      await hour.close();
    }
  });

  it("the quota of a user without a limit is -3 (unlimited)", async () => {
    const unlimited = await startSandbox({ issuer: nc.issuer.issuer, userMapping: { quotaBytes: null } });
    try {
      const r = await send("GET", USER, { token: await tokenFor("c-quota"), at: unlimited });
      expect(r.json.ocs.data.quota.quota).toBe(-3);
    } finally {
      await unlimited.close();
    }
  });
});

describe("table 2: WebDAV (sabre/dav) as Nextcloud 32 answers", () => {
  let token: string;
  const uid = "c-webdav";
  beforeAll(async () => {
    token = await tokenFor(uid);
    await send("MKCOL", dav(uid, "Folder"), { token });
    await send("PUT", dav(uid, "Folder/a.txt"), { token, body: "A" });
  });

  it("GET on a folder is 200 with an empty text/html body and no ETag", async () => {
    const r = await send("GET", dav(uid, "Folder"), { token });
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
    expect(r.headers.get("content-type")).toMatch(/^text\/html/);
    expect(r.headers.get("etag")).toBeNull();
  });

  it("PUT into a missing folder is 404", async () => {
    expect((await send("PUT", dav(uid, "Missing/x.txt"), { token, body: "x" })).status).toBe(404);
  });

  it("PUT onto a folder is 409", async () => {
    const r = await send("PUT", dav(uid, "Folder"), { token, body: "x" });
    expect(r.status).toBe(409);
    expect(r.text).toContain("Sabre\\DAV\\Exception\\Conflict");
  });

  it("DELETE of a folder with If-Match: <its getetag> is 412 always; If-Match: * is 204", async () => {
    await send("MKCOL", dav(uid, "Doomed"), { token });
    const listing = await send("PROPFIND", dav(uid, "Doomed"), { token, headers: { depth: "0" } });
    const etag = /<(?:\w+:)?getetag>([^<]+)<\/(?:\w+:)?getetag>/i.exec(listing.text)?.[1];
    expect(etag).toBeTruthy();
    expect((await send("DELETE", dav(uid, "Doomed"), { token, headers: { "if-match": etag!.replace(/&quot;/g, '"') } })).status).toBe(412);
    expect((await send("DELETE", dav(uid, "Doomed"), { token, headers: { "if-match": "*" } })).status).toBe(204);
  });

  it("SEARCH with a scope folder that does not exist is 404", async () => {
    const body = `<d:searchrequest xmlns:d="DAV:"><d:basicsearch><d:select><d:prop><d:displayname/></d:prop></d:select><d:from><d:scope><d:href>/files/${uid}/Nowhere</d:href><d:depth>infinity</d:depth></d:scope></d:from><d:where><d:like><d:prop><d:displayname/></d:prop><d:literal>%</d:literal></d:like></d:where></d:basicsearch></d:searchrequest>`;
    expect((await send("SEARCH", "/remote.php/dav/", { token, headers: { "content-type": "text/xml" }, body })).status).toBe(404);
  });

  it("a file's ETag is unchanged after a rewrite within the same second (mtime-second based)", async () => {
    // Both writes must land in one second: retry the pair if a second boundary fell between them.
    let same = false;
    for (let attempt = 0; attempt < 5 && !same; attempt++) {
      const second = Math.floor(Date.now() / 1000);
      const first = (await send("PUT", dav(uid, "same-second.txt"), { token, body: `one ${attempt}` })).headers.get("etag");
      const again = (await send("PUT", dav(uid, "same-second.txt"), { token, body: `two ${attempt}` })).headers.get("etag");
      if (Math.floor(Date.now() / 1000) !== second) continue;
      expect(again).toBe(first);
      same = true;
    }
    expect(same).toBe(true);
  });

  it("MKCOL on an existing folder is 405, under a missing parent 409", async () => {
    expect((await send("MKCOL", dav(uid, "Folder"), { token })).status).toBe(405);
    expect((await send("MKCOL", dav(uid, "No/Such"), { token })).status).toBe(409);
  });

  it("COPY and MOVE onto an existing target with Overwrite: F are 412", async () => {
    await send("PUT", dav(uid, "b.txt"), { token, body: "B" });
    for (const method of ["COPY", "MOVE"]) {
      const r = await send(method, dav(uid, "Folder/a.txt"), { token, headers: { destination: `${nc.sandbox.url}${dav(uid, "b.txt")}`, overwrite: "F" } });
      expect(r.status, method).toBe(412);
    }
  });
});

describe("demo data", () => {
  it("a seeded account starts with realistic notes and files, and the sandbox labels itself", async () => {
    const demo = await startSandbox({ issuer: nc.issuer.issuer, seedUsers: ["demo"] });
    try {
      const token = await tokenFor("d-0001", { preferred_username: "demo" });
      const notes = await send("GET", NOTES, { token, headers: OCS, at: demo });
      expect((notes.json as unknown as { title: string }[]).map((n) => n.title)).toEqual(expect.arrayContaining(["Shopping list", "Project Atlas kickoff"]));
      const files = await send("PROPFIND", dav("demo"), { token, headers: propfind, at: demo });
      expect(files.text).toContain("Readme.md");
      expect(files.text).toContain("Documents/");
      const readme = await send("GET", dav("demo", "Readme.md"), { token, at: demo });
      expect(readme.text).toMatch(/sandbox/i);
      expect(readme.headers.get("x-nextcloud-sandbox")).toBe("true");
      // Someone else starts empty.
      expect((await send("GET", NOTES, { token: await tokenFor("d-other"), headers: OCS, at: demo })).json).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('with "*" every user gets the demo data on their first request, once', async () => {
    const everyone = await startSandbox({ issuer: nc.issuer.issuer, seedUsers: ["*"] });
    try {
      const token = await tokenFor("d-new", { preferred_username: "newcomer" });
      const first = (await send("GET", NOTES, { token, headers: OCS, at: everyone })).json as unknown as unknown[];
      expect(first.length).toBeGreaterThan(0);
      const again = (await send("GET", NOTES, { token, headers: OCS, at: everyone })).json as unknown as unknown[];
      expect(again).toHaveLength(first.length);
      expect((await send("GET", dav("newcomer", "Readme.md"), { token, at: everyone })).status).toBe(200);
    } finally {
      await everyone.close();
    }
  });
});

