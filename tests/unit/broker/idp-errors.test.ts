import { ResponseBodyError } from "openid-client";
import { describe, expect, it } from "vitest";
import { classifyIdpError, IdpRefusedError, IdpUnreachableError } from "@/lib/oidc/idp-errors";
import { IdpUnavailableError } from "@/lib/oidc/server-client";

function oauthError(status: number, body: Record<string, unknown>): ResponseBodyError {
  return new ResponseBodyError("server responded with an error", { cause: body as never, response: new Response(JSON.stringify(body), { status }) });
}

describe("classifying IdP failures", () => {
  it("an OAuth error answer is a refusal, with the scopes oidc-provider names", () => {
    const refused = classifyIdpError(oauthError(400, { error: "invalid_scope", error_description: "not provisioned", scope: "notes.read notes.write" }));
    expect(refused).toBeInstanceOf(IdpRefusedError);
    expect(refused).toMatchObject({ error: "invalid_scope", description: "not provisioned", scopes: ["notes.read", "notes.write"] });
    expect(classifyIdpError(oauthError(400, { error: "invalid_grant" }))).toMatchObject({ error: "invalid_grant" });
  });

  it("5xx, temporarily_unavailable, network failures and discovery failures are retryable", () => {
    expect(classifyIdpError(oauthError(503, { error: "server_error" }))).toBeInstanceOf(IdpUnreachableError);
    expect(classifyIdpError(oauthError(400, { error: "temporarily_unavailable" }))).toBeInstanceOf(IdpUnreachableError);
    expect(classifyIdpError(new TypeError("fetch failed"))).toBeInstanceOf(IdpUnreachableError);
    expect(classifyIdpError(new IdpUnavailableError(new Error("ECONNREFUSED")))).toMatchObject({ retryable: true });
  });

  it("messages carry codes only, never request parameters", () => {
    const message = classifyIdpError(oauthError(400, { error: "invalid_grant", error_description: "grant request is invalid" })).message;
    expect(message).toBe("the identity provider refused the request: invalid_grant (grant request is invalid)");
  });
});
