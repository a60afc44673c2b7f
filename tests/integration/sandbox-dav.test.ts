/**
 * The sandbox's CalDAV/CardDAV: Radicale behind the user_oidc-style front,
 * on Nextcloud's paths, per user, seeded, and answering as Nextcloud where
 * Radicale would differ (404 for another user's home, sabre error bodies,
 * application/xml, Nextcloud hrefs). Radicale must be installed (.ci/run
 * installs it); the last test proves the sandbox without it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { radicaleInstalled } from "@/lib/sandbox/dav/radicale-process";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { startTestIssuer, type TestIssuer } from "../helpers/test-issuer";
import { alive, descendantsOf } from "../helpers/process-tree.mjs";

let issuer: TestIssuer;
let sandbox: Sandbox;

beforeAll(async () => {
  if (!radicaleInstalled()) throw new Error("Radicale is not installed: apt-get install -y --no-install-recommends radicale");
  issuer = await startTestIssuer();
  sandbox = await startSandbox({ issuer: issuer.issuer, audience: "nextcloud" });
});
afterAll(async () => {
  await sandbox?.close();
  await issuer?.close();
});

async function dav(sub: string, scopes: string[], method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  const token = await issuer.mint({ sub, scope: scopes.join(" ") });
  const response = await fetch(`${sandbox.url}${path}`, { method, body: options.body, headers: { authorization: `Bearer ${token}`, ...options.headers } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const PROPFIND = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:resourcetype/></d:prop></d:propfind>`;

describe("sandbox CalDAV/CardDAV (Radicale)", () => {
  it("serves each user's seeded calendars under Nextcloud's paths, with Nextcloud hrefs", async () => {
    const home = await dav("alice", ["calendar.read"], "PROPFIND", "/remote.php/dav/calendars/alice/", { body: PROPFIND, headers: { depth: "1" } });
    expect(home.status).toBe(207);
    expect(home.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(home.text).toContain("/remote.php/dav/calendars/alice/personal/");
    expect(home.text).toContain("/remote.php/dav/calendars/alice/tasks/");
    expect(home.text).toContain("Personal");
    expect(home.text).not.toMatch(/<href>\/alice\//);
    const books = await dav("alice", ["contacts.read"], "PROPFIND", "/remote.php/dav/addressbooks/users/alice/", { body: PROPFIND, headers: { depth: "1" } });
    expect(books.status).toBe(207);
    expect(books.text).toContain("/remote.php/dav/addressbooks/users/alice/contacts/");
    const card = await dav("alice", ["contacts.read"], "GET", "/remote.php/dav/addressbooks/users/alice/contacts/seed-carla.vcf");
    expect(card.status).toBe(200);
    expect(card.text).toContain("Carla Rossi");
  });

  it("keeps users apart: another user's home is 404 (as in Nextcloud), and each user has their own data", async () => {
    await dav("bob", ["calendar.read"], "PROPFIND", "/remote.php/dav/calendars/bob/", { body: PROPFIND, headers: { depth: "0" } });
    const put = await dav("alice", ["calendar.write"], "PUT", "/remote.php/dav/calendars/alice/personal/only-alice.ics", {
      body: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:only-alice\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nSUMMARY:Alice only\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
      headers: { "content-type": "text/calendar; charset=utf-8", "if-none-match": "*" },
    });
    expect(put.status).toBe(201);
    for (const path of ["/remote.php/dav/calendars/alice/", "/remote.php/dav/calendars/alice/personal/only-alice.ics", "/remote.php/dav/calendars/%61lice/personal/only-alice.ics"]) {
      const other = await dav("bob", ["calendar.read"], path.endsWith("/") ? "PROPFIND" : "GET", path, { body: path.endsWith("/") ? PROPFIND : undefined });
      expect(other.status, path).toBe(404);
      expect(other.text).toContain("Sabre\\DAV\\Exception\\NotFound");
      expect(other.text).not.toContain("Alice only");
    }
    expect((await dav("bob", ["calendar.read"], "GET", "/remote.php/dav/calendars/bob/personal/only-alice.ics")).status).toBe(404);
    const traversal = await dav("bob", ["calendar.read"], "GET", "/remote.php/dav/calendars/bob/%2e%2e/%2e%2e/alice/calendars/personal/only-alice.ics");
    // URL parsing already resolves the encoded dots; whatever route gets it, nothing of Alice's comes back.
    expect([404, 405]).toContain(traversal.status);
    expect(traversal.text).not.toContain("Alice only");
  });

  it("checks the bearer token and the scope before Radicale sees anything", async () => {
    const anonymous = await fetch(`${sandbox.url}/remote.php/dav/calendars/alice/`, { method: "PROPFIND" });
    expect(anonymous.status).toBe(401);
    const notesOnly = await dav("alice", ["notes.read"], "PROPFIND", "/remote.php/dav/calendars/alice/", { body: PROPFIND });
    expect(notesOnly.status).toBe(403);
    const readOnly = await dav("alice", ["calendar.read"], "DELETE", "/remote.php/dav/calendars/alice/personal/seed-dentist.ics");
    expect(readOnly.status).toBe(403);
    const contactsForCalendar = await dav("alice", ["contacts.read", "contacts.write"], "GET", "/remote.php/dav/calendars/alice/personal/seed-dentist.ics");
    expect(contactsForCalendar.status).toBe(403);
  });

  it("honours If-Match / If-None-Match and answers failures in sabre's XML", async () => {
    const path = "/remote.php/dav/calendars/carol/personal/seed-dentist.ics";
    const got = await dav("carol", ["calendar.read"], "GET", path);
    expect(got.status).toBe(200);
    const etag = got.headers.get("etag");
    expect(etag).toMatch(/^"/);
    const stale = await dav("carol", ["calendar.write"], "PUT", path, { body: got.text, headers: { "content-type": "text/calendar", "if-match": '"stale"' } });
    expect(stale.status).toBe(412);
    expect(stale.text).toContain("Sabre\\DAV\\Exception\\PreconditionFailed");
    const exists = await dav("carol", ["calendar.write"], "PUT", path, { body: got.text, headers: { "content-type": "text/calendar", "if-none-match": "*" } });
    expect(exists.status).toBe(412);
    const ok = await dav("carol", ["calendar.write"], "PUT", path, { body: got.text.replace("SUMMARY:Dentist", "SUMMARY:Dentist (moved)"), headers: { "content-type": "text/calendar", "if-match": etag! } });
    expect([201, 204]).toContain(ok.status);
  });

  it("stops Radicale with the sandbox, leaving no process behind", async () => {
    const own = await startSandbox({ issuer: issuer.issuer, audience: "nextcloud" });
    const before = new Set(descendantsOf(process.pid));
    const token = await issuer.mint({ sub: "dave", scope: "calendar.read" });
    const answer = await fetch(`${own.url}/remote.php/dav/calendars/dave/`, { method: "PROPFIND", headers: { authorization: `Bearer ${token}`, depth: "0" } });
    expect(answer.status).toBe(207);
    const started = descendantsOf(process.pid).filter((pid) => !before.has(pid));
    expect(started.length).toBeGreaterThan(0);
    await own.close();
    expect(started.filter(alive)).toEqual([]);
  });

  it("answers 503 when Radicale dies, then starts a fresh one with seeded data", async () => {
    const own = await startSandbox({ issuer: issuer.issuer, audience: "nextcloud" });
    try {
      const before = new Set(descendantsOf(process.pid));
      const token = await issuer.mint({ sub: "gina", scope: "calendar.read" });
      const propfind = () => fetch(`${own.url}/remote.php/dav/calendars/gina/`, { method: "PROPFIND", headers: { authorization: `Bearer ${token}`, depth: "1" } });
      expect((await propfind()).status).toBe(207);
      // The new descendants are Radicale (the `ps` that lists them is gone by now).
      const radicale = descendantsOf(process.pid).filter((p) => !before.has(p) && alive(p));
      expect(radicale.length).toBeGreaterThan(0);
      for (const pid of radicale) process.kill(pid, "SIGKILL");
      while (radicale.some(alive)) await new Promise((r) => setTimeout(r, 20));
      const down = await propfind();
      expect(down.status).toBe(503);
      expect(await down.text()).toContain("ServiceUnavailable");
      const again = await propfind();
      expect(again.status).toBe(207);
      expect(await again.text()).toContain("/remote.php/dav/calendars/gina/personal/");
    } finally {
      await own.close();
    }
  });

  it("without Radicale, calendar paths answer 501 with the install command and the rest of the sandbox works", async () => {
    const own = await startSandbox({ issuer: issuer.issuer, audience: "nextcloud", dav: { enabled: false } });
    try {
      const token = await issuer.mint({ sub: "erin", scope: "calendar.read files.read" });
      const calendars = await fetch(`${own.url}/remote.php/dav/calendars/erin/`, { method: "PROPFIND", headers: { authorization: `Bearer ${token}` } });
      expect(calendars.status).toBe(501);
      expect(await calendars.text()).toContain("apt-get install");
      const files = await fetch(`${own.url}/remote.php/dav/files/erin/`, { method: "PROPFIND", headers: { authorization: `Bearer ${token}`, depth: "0" } });
      expect(files.status).toBe(207);
    } finally {
      await own.close();
    }
  });
});
