import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { sendOcs } from "@/lib/sandbox/ocs-response";
import { matchRoute, type SandboxRoute } from "@/lib/sandbox/route-table";
import { userIdFor } from "@/lib/sandbox/sandbox-users";
import { TokenLog } from "@/lib/sandbox/token-log";
import { bearerTokenFrom } from "@/lib/sandbox/verify-bearer-token";

const route = (path: string, match: "exact" | "prefix"): SandboxRoute => ({
  name: path,
  path,
  match,
  api: "ocs",
  scopes: { GET: [] },
  sendError: () => {},
  handle: () => {},
});

describe("route matching", () => {
  const routes = [route("/ocs/v2.php/cloud/user", "exact"), route("/remote.php/dav/files", "prefix"), route("/remote.php/dav/files/special", "prefix")];

  it("matches exact paths only exactly", () => {
    expect(matchRoute(routes, "/ocs/v2.php/cloud/user")?.route.path).toBe("/ocs/v2.php/cloud/user");
    expect(matchRoute(routes, "/ocs/v2.php/cloud/user/extra")).toBeUndefined();
    expect(matchRoute(routes, "/ocs/v2.php/cloud/users")).toBeUndefined();
  });

  it("matches prefixes on segment boundaries, most specific first, and hands over the rest", () => {
    expect(matchRoute(routes, "/remote.php/dav/files/alice/a.txt")).toMatchObject({ subpath: "/alice/a.txt" });
    expect(matchRoute(routes, "/remote.php/dav/files")).toMatchObject({ subpath: "" });
    expect(matchRoute(routes, "/remote.php/dav/filesystem")).toBeUndefined();
    expect(matchRoute(routes, "/remote.php/dav/files/special/x")?.route.path).toBe("/remote.php/dav/files/special");
  });
});

function capture() {
  const out = { status: 0, headers: {} as Record<string, string>, body: "" };
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      out.status = status;
      out.headers = headers;
    },
    end(body: string) {
      out.body = body;
    },
  } as unknown as ServerResponse;
  return { res, out };
}

describe("OCS envelope", () => {
  it("serialises JSON with Nextcloud's meta fields", () => {
    const { res, out } = capture();
    sendOcs(res, "json", { httpStatus: 200, statuscode: 200, data: { id: "a" } });
    expect(JSON.parse(out.body)).toEqual({ ocs: { meta: { status: "ok", statuscode: 200, message: "OK", totalitems: "", itemsperpage: "" }, data: { id: "a" } } });
  });

  it("serialises XML with <element> lists and escapes values", () => {
    const { res, out } = capture();
    sendOcs(res, "xml", { httpStatus: 403, statuscode: 403, message: "no <script>&", data: { groups: ["a&b"], enabled: true, email: null } });
    expect(out.headers["content-type"]).toMatch(/xml/);
    expect(out.body).toContain("<status>failure</status>");
    expect(out.body).toContain("<message>no &lt;script&gt;&amp;</message>");
    expect(out.body).toMatch(/<groups>\s*<element>a&amp;b<\/element>/);
    expect(out.body).toContain("<enabled>1</enabled>");
    expect(out.body).toContain("<email></email>");
  });
});

describe("sandbox users and the token log", () => {
  it("uses valid Nextcloud user ids as they are and hashes the rest", () => {
    expect(userIdFor("alice")).toBe("alice");
    expect(userIdFor("4f1c-uuid-like_id@x.y")).toBe("4f1c-uuid-like_id@x.y");
    expect(userIdFor("a/b")).toMatch(/^[0-9a-f]{64}$/);
    expect(userIdFor("x".repeat(65))).toMatch(/^[0-9a-f]{64}$/);
    expect(userIdFor("a/b")).not.toBe(userIdFor("a/c"));
  });

  it("keeps a bounded log", () => {
    const log = new TokenLog(3);
    for (let i = 0; i < 5; i++) log.record({ sub: `u${i}`, scopes: [], claims: { sub: `u${i}` } }, { method: "GET", path: "/" }, "served");
    expect(log.list().map((e) => e.sub)).toEqual(["u2", "u3", "u4"]);
  });
});

describe("bearer token parsing (RFC 6750 §2.1)", () => {
  it("takes only the Bearer scheme with a b64token", () => {
    expect(bearerTokenFrom("Bearer abc.def-ghi_jkl")).toBe("abc.def-ghi_jkl");
    expect(bearerTokenFrom("bearer abc")).toBe("abc");
    expect(bearerTokenFrom("Basic YWxpY2U6cHc=")).toBeUndefined();
    expect(bearerTokenFrom("Bearer")).toBeUndefined();
    expect(bearerTokenFrom("Bearer a b")).toBeUndefined();
    expect(bearerTokenFrom(undefined)).toBeUndefined();
  });
});
