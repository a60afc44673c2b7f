/**
 * The sandbox's Nextcloud Login Flow v2 and app passwords (for
 * NEXTCLOUD_AUTH=app-password), as Nextcloud's ClientFlowLoginV2Controller
 * and app-password handling behave:
 *
 * - `POST /index.php/login/v2` → `{ poll: { token, endpoint }, login }`.
 * - `GET <login>`: a page (labelled a sandbox) where a sandbox user signs in
 *   and grants or denies access. Sandbox convention: any user name, the
 *   password is the user name itself.
 * - `POST /index.php/login/v2/poll` (`token=`) → 404 until granted, then
 *   once 200 `{ server, loginName, appPassword }`, then 404. A denied or
 *   expired (20 min) flow is 404, as in Nextcloud.
 * - Basic auth (`loginName:appPassword`, RFC 7617) on every API. Nextcloud
 *   checks no scopes for app passwords, and a request without a session
 *   cookie passes its CSRF check (no `OCS-APIRequest` needed); `#[CORS]` app
 *   APIs (Notes) want exactly Basic. A revoked or unknown app password → 401.
 * - `DELETE /ocs/v2.php/core/apppassword` (Basic with that app password)
 *   deletes it.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readRequestBody } from "./read-request-body";
import { escapeHtml } from "./render-banner";
import { userIdFor } from "./sandbox-users";

const FLOW_TTL_MS = 20 * 60_000;
const LOGIN_PATH = "/index.php/login/v2/flow/";
export const APP_PASSWORD_PATH = "/ocs/v2.php/core/apppassword";

const random = (bytes: number) => randomBytes(bytes).toString("base64url");

interface Flow {
  pollToken: string;
  loginToken: string;
  createdAt: number;
  userAgent: string;
  granted?: { loginName: string; appPassword: string };
}

export interface AppPasswordInfo {
  userId: string;
  name: string;
}

export class SandboxLoginFlows {
  private readonly flows = new Map<string, Flow>();
  private readonly passwords = new Map<string, AppPasswordInfo>();

  constructor(private readonly publicUrl: () => string) {}

  /** The app password a Basic header (RFC 7617) carries, when it is valid for the login name it names. */
  private validBasic(authorization: string | undefined): { userId: string; password: string } | undefined {
    const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization ?? "");
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return undefined;
    const password = decoded.slice(colon + 1);
    const info = this.passwords.get(password);
    return info && info.userId === decoded.slice(0, colon) ? { userId: info.userId, password } : undefined;
  }

  /** The user whose app password this Basic header carries, or undefined (→ 401). */
  userForBasic(authorization: string | undefined): string | undefined {
    return this.validBasic(authorization)?.userId;
  }

  /** Test-only view: the app passwords that exist (never their values). */
  list(): AppPasswordInfo[] {
    return [...this.passwords.values()].map((p) => ({ ...p }));
  }

  /** Test-only: what "Settings → Security → revoke" does for every app password of a user. */
  revokeAllOf(userId: string): void {
    for (const [value, info] of this.passwords) if (info.userId === userId) this.passwords.delete(value);
  }

  private sweep(now = Date.now()): void {
    for (const [token, flow] of this.flows) if (now - flow.createdAt > FLOW_TTL_MS) this.flows.delete(token);
  }

  /** Serves the login flow and app-password paths; false when the request is not one of them. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const method = req.method ?? "GET";
    if (url.pathname === "/index.php/login/v2" && method === "POST") {
      this.sweep();
      const flow: Flow = { pollToken: random(48), loginToken: random(48), createdAt: Date.now(), userAgent: String(req.headers["user-agent"] ?? "unknown client").slice(0, 200) };
      this.flows.set(flow.pollToken, flow);
      const base = this.publicUrl();
      json(res, 200, { poll: { token: flow.pollToken, endpoint: `${base}/index.php/login/v2/poll` }, login: `${base}${LOGIN_PATH}${flow.loginToken}` });
      return true;
    }
    if (url.pathname === "/index.php/login/v2/poll" && method === "POST") {
      this.sweep();
      const token = new URLSearchParams((await readRequestBody(req, 8192)).toString("utf8")).get("token") ?? url.searchParams.get("token") ?? "";
      const flow = this.flows.get(token);
      if (!flow?.granted) {
        json(res, 404, []);
        return true;
      }
      // Once: the credentials are handed out and the flow is gone.
      this.flows.delete(token);
      json(res, 200, { server: this.publicUrl(), loginName: flow.granted.loginName, appPassword: flow.granted.appPassword });
      return true;
    }
    if (url.pathname.startsWith(LOGIN_PATH)) {
      const loginToken = url.pathname.slice(LOGIN_PATH.length);
      const flow = [...this.flows.values()].find((f) => f.loginToken === loginToken && Date.now() - f.createdAt <= FLOW_TTL_MS && !f.granted);
      if (!flow) return page(res, 404, "This login link is not valid (any more).", ""), true;
      if (method === "GET") return page(res, 200, `Connect “${escapeHtml(flow.userAgent)}” to your account`, loginForm()), true;
      if (method !== "POST") return page(res, 405, "Method not allowed", ""), true;
      const form = new URLSearchParams((await readRequestBody(req, 8192)).toString("utf8"));
      if (form.get("decision") !== "grant") {
        this.flows.delete(flow.pollToken);
        return page(res, 200, "Access denied", "<p>You can close this tab.</p>"), true;
      }
      const user = (form.get("user") ?? "").trim();
      if (!user || form.get("password") !== user || userIdFor(user) !== user) return page(res, 401, "Wrong user name or password", loginForm()), true;
      const appPassword = random(54);
      this.passwords.set(appPassword, { userId: user, name: flow.userAgent });
      flow.granted = { loginName: user, appPassword };
      return page(res, 200, "Account connected", "<p>You can close this tab and return to the app.</p>"), true;
    }
    return false;
  }

  /** DELETE /ocs/v2.php/core/apppassword: deletes the app password the request is authenticated with. */
  deleteFor(authorization: string | undefined): boolean {
    const valid = this.validBasic(authorization);
    return valid ? this.passwords.delete(valid.password) : false;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function loginForm(): string {
  return `<form method="post">
<p><label>User name <input name="user" autocomplete="username" required></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p class="hint">Sandbox: any user name; the password is the user name.</p>
<p><button name="decision" value="grant">Grant access</button></p>
</form>
<form method="post"><button name="decision" value="deny" formnovalidate>Deny access</button></form>`;
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "x-frame-options": "DENY",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} – Nextcloud sandbox</title></head>
<body><p><strong>Nextcloud sandbox</strong> — not a real Nextcloud (test and demo data).</p><h1>${title}</h1>${body}</body></html>`);
}
