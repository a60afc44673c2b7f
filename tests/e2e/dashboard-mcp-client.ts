/**
 * An MCP client as the dashboard tests need one: registers itself (RFC 7591),
 * runs authorization code + PKCE with resource = the MCP endpoint (RFC 8707)
 * through the IdP's real sign-in and consent pages (over HTTP, as a browser
 * without JavaScript would), redeems the code, then calls the MCP endpoint
 * with its bearer token.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect } from "@playwright/test";
import { postMcp, rpc } from "../helpers/mcp-client";
import { authorizeWithLogin } from "../helpers/oidc-login";
import type { E2eUser } from "./dashboard-helpers";

const REDIRECT_URI = "http://127.0.0.1:9/callback";

export interface AuthorizedClient {
  clientId: string;
  name: string;
  accessToken: string;
  refreshToken?: string;
}

export async function authorizeMcpClient(baseURL: string, user: E2eUser, options: { name: string; scopes: string[] }): Promise<AuthorizedClient> {
  const reg = await fetch(`${baseURL}/api/oidc/reg`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: options.name, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"] }),
  });
  expect(reg.status).toBe(201);
  const clientId = ((await reg.json()) as { client_id: string }).client_id;
  const verifier = randomBytes(32).toString("base64url");
  const resource = `${baseURL}/api/mcp`;
  const url = new URL(`${baseURL}/api/oidc/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: ["openid", "offline_access", ...options.scopes].join(" "),
    resource,
    state: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  const result = await authorizeWithLogin({ authorizationUrl: url, username: user.username, password: user.password });
  expect(result.error, result.page?.slice(0, 300)).toBeUndefined();
  const token = await fetch(`${baseURL}/api/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code: result.code!, redirect_uri: REDIRECT_URI, client_id: clientId, code_verifier: verifier, resource }),
  });
  expect(token.status).toBe(200);
  const tokens = (await token.json()) as { access_token: string; refresh_token?: string };
  return { clientId, name: options.name, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** tools/call on the MCP endpoint: the HTTP status and, when 200, the tool result's text. */
export async function callTool(baseURL: string, token: string, name: string, args: Record<string, unknown> = {}): Promise<{ status: number; text: string; isError: boolean }> {
  const res = await postMcp(`${baseURL}/api/mcp`, rpc("tools/call", { name, arguments: args }), { token, headers: { accept: "application/json" } });
  const body = await res.text();
  if (res.status !== 200) return { status: res.status, text: body, isError: true };
  const json = JSON.parse(body) as { result?: { content?: { text?: string }[]; isError?: boolean }; error?: { message: string } };
  return { status: 200, text: json.result?.content?.map((c) => c.text ?? "").join("\n") ?? json.error?.message ?? "", isError: Boolean(json.result?.isError ?? json.error) };
}

/** A refresh with the client's refresh token: 200 while the grant lives, invalid_grant once revoked. */
export async function refresh(baseURL: string, client: AuthorizedClient): Promise<number> {
  const res = await fetch(`${baseURL}/api/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: client.refreshToken!, client_id: client.clientId }),
  });
  return res.status;
}

/** tools/list on the MCP endpoint: the names a model would see. */
export async function listTools(baseURL: string, token: string): Promise<string[]> {
  const res = await postMcp(`${baseURL}/api/mcp`, rpc("tools/list"), { token, headers: { accept: "application/json" } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
}

/** A refresh that keeps the rotated refresh token; returns the scopes of the new access token. */
export async function refreshScopes(baseURL: string, client: AuthorizedClient): Promise<string[]> {
  const res = await fetch(`${baseURL}/api/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: client.refreshToken!, client_id: client.clientId }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { scope?: string; refresh_token?: string };
  if (body.refresh_token) client.refreshToken = body.refresh_token;
  return (body.scope ?? "").split(" ").filter(Boolean);
}
