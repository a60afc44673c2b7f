/**
 * The API→scope table (lib/nextcloud/api-scopes.ts), tried the way an
 * attacker would: every Nextcloud tool of the catalogue, with exactly its
 * scopes, against every (API, method, path) this server could send — each
 * must be refused unless it lies in the area of one of the tool's scopes
 * (independent expectation below), and a read scope never reaches a write
 * method. Then the same through the real sender: a refused request never
 * leaves the process.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backgroundNextcloudToken, sessionNextcloudToken } from "@/lib/tokens/token-types";
import { SEARCH_SOURCES, SOURCE_SCOPE } from "@/lib/search/search-sources";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import { resourceScopes } from "@/lib/auth/scopes";
import { decideApiScope } from "@/lib/nextcloud/api-scopes";
import type { NextcloudApi } from "@/lib/nextcloud/nextcloud-api";
import { appPasswordCredential } from "@/lib/nextcloud/nextcloud-credential";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { sendNextcloudRequest } from "@/lib/nextcloud/send-nextcloud-request";

const NEXTCLOUD = new Set(resourceScopes("nextcloud"));
const TOOLS = TOOL_CATALOGUE.filter((t) => t.requiredScopes.some((s) => NEXTCLOUD.has(s))).map((t) => ({ name: t.name, scopes: t.requiredScopes }));

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT", "SEARCH"]);
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "REPORT", "SEARCH", "MKCOL", "MKCALENDAR", "MOVE", "COPY", "PROPPATCH", "LOCK"];
const APIS: NextcloudApi[] = ["ocs", "app", "webdav"];
const PATHS = [
  "/ocs/v2.php/cloud/user",
  "/ocs/v2.php/cloud/users/bob",
  "/ocs/v2.php/core/apppassword",
  "/ocs/v2.php/apps/files_sharing/api/v1/shares",
  "/index.php/login/v2",
  "/index.php/apps/notes/api/v1/notes",
  "/index.php/apps/notes/api/v1/notes/7",
  "/index.php/apps/notes/api/v1/settings",
  "/index.php/apps/notes/api/v1/notesX",
  "/index.php/apps/deck/api/v1.0/boards/1",
  "/ocs/v2.php/apps/deck/api/v1.0/cards/1/comments",
  "/ocs/v2.php/cloud/capabilities",
  "/remote.php/dav/",
  "/remote.php/dav/files/alice/a.txt",
  "/remote.php/dav/calendars/alice/personal/e.ics",
  "/remote.php/dav/addressbooks/users/alice/contacts/c.vcf",
  "/remote.php/dav/principals/users/alice/",
  "/remote.php/webdav/a.txt",
  "/index.php/settings/user/security",
];

/** Where each scope's data lives, written independently of the table: (path test, may write). */
function areaAllows(scope: string, method: string, path: string): boolean {
  const [area, access] = scope.split(".");
  if (access === "read" && !READ_METHODS.has(method)) return false;
  // Which apps the Nextcloud has: no personal data, read by any Nextcloud scope.
  if (path === "/ocs/v2.php/cloud/capabilities") return method === "GET";
  if (access === "share") return area === "files" && path.startsWith("/ocs/v2.php/apps/files_sharing/api/v1/shares");
  switch (area) {
    case "account":
      return path === "/ocs/v2.php/cloud/user";
    case "notes":
      return path.startsWith("/index.php/apps/notes/api/v1/notes/") || path === "/index.php/apps/notes/api/v1/notes" || path === "/index.php/apps/notes/api/v1/settings";
    case "deck":
      return path.startsWith("/index.php/apps/deck/") || path.startsWith("/ocs/v2.php/apps/deck/");
    case "files":
      return path.startsWith("/remote.php/dav/files/") || path === "/remote.php/dav/";
    case "calendar":
      return path.startsWith("/remote.php/dav/calendars/") || (path === "/remote.php/dav/" && method === "PROPFIND");
    case "contacts":
      return path.startsWith("/remote.php/dav/addressbooks/") || (path === "/remote.php/dav/" && method === "PROPFIND");
    default:
      return false;
  }
}

describe("API→scope table", () => {
  it("covers the Nextcloud tools of the catalogue", () => {
    expect(TOOLS.length).toBeGreaterThan(20);
  });

  for (const tool of TOOLS) {
    it(`${tool.name} (${tool.scopes.join(" ")}) reaches nothing outside its scopes`, () => {
      const escapes: string[] = [];
      for (const api of APIS)
        for (const method of METHODS)
          for (const path of PATHS) {
            if (!decideApiScope(api, method, path, tool.scopes).allowed) continue;
            if (!tool.scopes.some((s) => areaAllows(s, method, path))) escapes.push(`${api} ${method} ${path}`);
          }
      expect(escapes).toEqual([]);
    });
  }

  it("never lets any scope reach the app-password, login-flow, sharing or other users' APIs", () => {
    const all = [...NEXTCLOUD];
    for (const api of APIS)
      for (const method of METHODS)
        for (const path of ["/ocs/v2.php/core/apppassword", "/index.php/login/v2", "/ocs/v2.php/cloud/users/bob", "/remote.php/dav/principals/users/alice/", "/index.php/settings/user/security"]) {
          expect(decideApiScope(api, method, path, all).allowed, `${api} ${method} ${path}`).toBe(false);
        }
  });

  it("a read scope never reaches a write method, and the API kind must match", () => {
    expect(decideApiScope("app", "DELETE", "/index.php/apps/notes/api/v1/notes/7", ["notes.read"]).allowed).toBe(false);
    expect(decideApiScope("webdav", "PUT", "/remote.php/dav/files/alice/a.txt", ["files.read"]).allowed).toBe(false);
    expect(decideApiScope("webdav", "GET", "/index.php/apps/notes/api/v1/notes", ["notes.read"]).allowed).toBe(false);
    expect(decideApiScope("app", "GET", "/index.php/apps/notes/api/v1/notes", ["notes.read"]).allowed).toBe(true);
  });
});

describe("the sender applies the table before anything leaves", () => {
  let server: http.Server;
  let baseUrl: string;
  const received: { method: string; url: string; authorization?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/nextcloud`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connection = (scopes: string[]) => ({
    baseUrl,
    token: sessionNextcloudToken({ accessToken: "header.payload.sig", audience: "nextcloud", scopes, expiresAt: new Date(Date.now() + 60_000) }),
    credential: appPasswordCredential("alice", async () => "app-password-value"),
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
  });

  it("refuses, without sending, every request the token's scopes do not reach — dot segments and a MOVE's Destination included", async () => {
    const attempts: [string[], Parameters<typeof sendNextcloudRequest>[1]][] = [
      [["notes.read"], { api: "app", method: "DELETE", path: "/index.php/apps/notes/api/v1/notes/1" }],
      [["notes.read"], { api: "webdav", method: "PROPFIND", path: "/remote.php/dav/files/alice/" }],
      [["files.read"], { api: "webdav", method: "GET", path: "/remote.php/dav/files/alice/../../calendars/alice/personal/" }],
      [["files.read"], { api: "webdav", method: "GET", path: "/remote.php/dav/files/alice/%2e%2e/%2e%2e/addressbooks/users/alice/" }],
      [["files.write"], { api: "webdav", method: "MOVE", path: "/remote.php/dav/files/alice/a.txt", headers: { Destination: `${baseUrl}/remote.php/dav/calendars/alice/x.ics` } }],
      [["files.write"], { api: "webdav", method: "COPY", path: "/remote.php/dav/files/alice/a.txt", headers: { destination: "http://elsewhere.example/remote.php/dav/files/alice/b.txt" } }],
      [["account.read", "notes.write", "files.write"], { api: "ocs", method: "DELETE", path: "/ocs/v2.php/core/apppassword" }],
    ];
    for (const [scopes, request] of attempts) {
      const error = await sendNextcloudRequest(connection(scopes), request).then(() => undefined, (e: unknown) => e);
      expect(error, `${request.method} ${request.path}`).toBeInstanceOf(NextcloudRequestError);
      expect((error as NextcloudRequestError).reason).toBe("scope_not_granted");
    }
    expect(received).toEqual([]);
  });

  it("sends an allowed request with Basic auth from the opaque credential (under a base path)", async () => {
    await sendNextcloudRequest(connection(["notes.read"]), { api: "app", method: "GET", path: "/index.php/apps/notes/api/v1/notes" });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "GET", url: "/nextcloud/index.php/apps/notes/api/v1/notes" });
    expect(received[0]!.authorization).toBe(`Basic ${Buffer.from("alice:app-password-value").toString("base64")}`);
  });

  it("a background sync job with the app password (lib/jobs/run-sync-jobs.ts) reaches only its source's read API; the password is never opened for a refused request", async () => {
    const before = received.length;
    const outside: Record<string, Parameters<typeof sendNextcloudRequest>[1]> = {
      notes: { api: "app", method: "GET", path: "/index.php/apps/notes/api/v1/notes" },
      files: { api: "webdav", method: "PROPFIND", path: "/remote.php/dav/files/alice/" },
      calendar: { api: "webdav", method: "REPORT", path: "/remote.php/dav/calendars/alice/personal/" },
      contacts: { api: "webdav", method: "REPORT", path: "/remote.php/dav/addressbooks/users/alice/contacts/" },
      deck: { api: "app", method: "GET", path: "/index.php/apps/deck/api/v1.0/boards" },
    };
    for (const source of SEARCH_SOURCES) {
      let opened = 0;
      const job = {
        baseUrl,
        // What backgroundAccess gives a job: the token of exactly the source's read scope, and the opaque credential.
        token: backgroundNextcloudToken({ accessToken: "header.payload.sig", audience: "nextcloud", scopes: [SOURCE_SCOPE[source]], expiresAt: new Date(Date.now() + 60_000) }),
        credential: appPasswordCredential("alice", async () => {
          opened++;
          return "app-password-value";
        }),
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      };
      for (const [other, request] of Object.entries(outside)) {
        if (other === source) continue;
        const error = await sendNextcloudRequest(job, request).then(() => undefined, (e: unknown) => e);
        expect((error as NextcloudRequestError | undefined)?.reason, `${source} job → ${request.method} ${request.path}`).toBe("scope_not_granted");
      }
      // Nor a write in its own area.
      const write = outside[source]!.api === "webdav" ? { ...outside[source]!, method: "PUT" } : { ...outside[source]!, method: "POST" };
      expect(((await sendNextcloudRequest(job, write).then(() => undefined, (e: unknown) => e)) as NextcloudRequestError | undefined)?.reason).toBe("scope_not_granted");
      expect(opened, source).toBe(0);
      await sendNextcloudRequest(job, outside[source]!);
      expect(opened, source).toBe(1);
    }
    expect(received.length - before).toBe(SEARCH_SOURCES.length); // only the allowed reads left the process
  });
});
