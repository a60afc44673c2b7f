/**
 * Nextcloud Login Flow v2, the client side (Nextcloud developer manual,
 * "Login Flow v2"; nextcloud/server core/Controller/ClientFlowLoginV2Controller):
 *
 * 1. `POST /index.php/login/v2` (no credentials; the User-Agent becomes the
 *    app password's name under Settings → Security) → `{ poll: { token,
 *    endpoint }, login }`.
 * 2. The person opens `login`, signs in to Nextcloud and grants access.
 * 3. `POST <endpoint>` with `token=<poll token>` → 404 until granted, then
 *    once `200 { server, loginName, appPassword }`, then 404 again. The flow
 *    expires at Nextcloud after 20 minutes.
 * And `DELETE /ocs/v2.php/core/apppassword`, Basic-authenticated with the
 *    app password itself, deletes it (revocation).
 *
 * The poll endpoint Nextcloud names is only accepted when its path is the
 * poll path under NEXTCLOUD_URL's path; the request goes to NEXTCLOUD_URL's
 * origin either way (the poll token never leaves for another host, even
 * when Nextcloud's overwrite settings name a public host name).
 */
import { z } from "zod";
import { NextcloudRequestError } from "./nextcloud-request";

const TIMEOUT_MS = 15_000;
export const LOGIN_FLOW_USER_AGENT = "nextcloud-mcp (MCP server)";
const POLL_PATH = "/index.php/login/v2/poll";

const started = z.object({
  poll: z.object({ token: z.string().min(1).max(1024), endpoint: z.string().min(1).max(2048) }),
  login: z.string().min(1).max(2048),
});

const credentials = z.object({
  server: z.string().max(2048),
  loginName: z.string().min(1).max(255),
  appPassword: z.string().min(1).max(1024),
});

export interface StartedLoginFlow {
  loginUrl: string;
  pollToken: string;
  /** The path (under the base URL) to poll. */
  pollPath: string;
}

export type LoginFlowPoll = { state: "pending" } | { state: "granted"; loginName: string; appPassword: string };

const trimmedBase = (baseUrl: string) => baseUrl.replace(/\/+$/, "");

async function call(url: string, init: RequestInit, timeoutMs = TIMEOUT_MS): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw new NextcloudRequestError("unavailable", `Nextcloud at ${new URL(url).origin} cannot be reached right now; try again later.`);
  }
}

export async function startLoginFlow(baseUrl: string): Promise<StartedLoginFlow> {
  const response = await call(`${trimmedBase(baseUrl)}/index.php/login/v2`, { method: "POST", headers: { "user-agent": LOGIN_FLOW_USER_AGENT, accept: "application/json" } });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new NextcloudRequestError(response.status >= 500 ? "unavailable" : "unexpected", `Nextcloud did not start a login flow (HTTP ${response.status}).`, response.status);
  }
  const parsed = started.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's answer to the login flow was not in the expected format.");
  const base = new URL(baseUrl);
  let endpoint: URL;
  let login: URL;
  try {
    endpoint = new URL(parsed.data.poll.endpoint);
    login = new URL(parsed.data.login);
  } catch {
    throw new NextcloudRequestError("unexpected", "Nextcloud's login flow named an invalid address.");
  }
  const expected = `${base.pathname.replace(/\/+$/, "")}${POLL_PATH}`;
  if (endpoint.pathname !== expected || !/^https?:$/.test(login.protocol)) {
    throw new NextcloudRequestError("unexpected", "Nextcloud's login flow named an unexpected poll endpoint or login page.");
  }
  return { loginUrl: login.href, pollToken: parsed.data.poll.token, pollPath: POLL_PATH };
}

export async function pollLoginFlow(baseUrl: string, pollToken: string): Promise<LoginFlowPoll> {
  const response = await call(`${trimmedBase(baseUrl)}${POLL_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", "user-agent": LOGIN_FLOW_USER_AGENT },
    body: new URLSearchParams({ token: pollToken }).toString(),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { state: "pending" };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new NextcloudRequestError(response.status >= 500 ? "unavailable" : "unexpected", `Nextcloud answered the login flow poll with HTTP ${response.status}.`, response.status);
  }
  const parsed = credentials.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's login flow result was not in the expected format.");
  return { state: "granted", loginName: parsed.data.loginName, appPassword: parsed.data.appPassword };
}

export type AppPasswordDeletion = "deleted" | "already_invalid";

/** Deletes the app password at Nextcloud (authenticated with itself). Throws "unavailable" when Nextcloud cannot be reached. */
export async function deleteAppPassword(baseUrl: string, loginName: string, appPassword: string, options: { timeoutMs?: number } = {}): Promise<AppPasswordDeletion> {
  const response = await call(`${trimmedBase(baseUrl)}/ocs/v2.php/core/apppassword?format=json`, {
    method: "DELETE",
    headers: {
      authorization: `Basic ${Buffer.from(`${loginName}:${appPassword}`, "utf8").toString("base64")}`,
      "OCS-APIRequest": "true",
      accept: "application/json",
    },
  }, options.timeoutMs);
  await response.body?.cancel();
  if (response.status === 200) return "deleted";
  // Not accepted any more: deleted by the person under Settings → Security, or the account is gone.
  if (response.status === 401 || response.status === 403) return "already_invalid";
  throw new NextcloudRequestError(response.status >= 500 ? "unavailable" : "unexpected", `Nextcloud answered the app password deletion with HTTP ${response.status}.`, response.status);
}
