import { describe, expect, it } from "vitest";
import { nextcloudErrorForStatus } from "@/lib/nextcloud/nextcloud-error-for-status";

describe("nextcloudErrorForStatus", () => {
  it.each([
    [400, "invalid", false, /invalid/],
    [403, "forbidden", false, /lacks the permission/],
    [404, "not_found", false, /^Note 7 does not exist/],
    [409, "conflict", false, /conflicts/],
    [412, "conflict", false, /changed in Nextcloud since you read it .* nothing was changed/],
    [413, "too_large", false, /too large/],
    [423, "conflict", false, /locked/],
    [507, "too_large", false, /quota/],
    [429, "unavailable", true, /try again later/],
    [500, "unavailable", true, /HTTP 500/],
    [502, "unavailable", true, /HTTP 502/],
    [503, "unavailable", true, /HTTP 503/],
    [504, "unavailable", true, /HTTP 504/],
    [418, "unexpected", false, /unexpected HTTP 418/],
  ] as const)("%i → %s", (status, failure, retryable, message) => {
    const error = nextcloudErrorForStatus(status, { subject: "Note 7" });
    expect(error.failure).toBe(failure);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toMatch(message);
  });

  it("explains a 401 by what is known, never as 'provision again'", () => {
    const untrusted = nextcloudErrorForStatus(401, {}, undefined, { refusal: "not_logged_in" });
    expect(untrusted).toMatchObject({ failure: "unauthorized", status: 401, reason: "token_not_trusted" });
    expect(untrusted.message).toMatch(/signing key.*client id.*--check-bearer/s);
    const expired = nextcloudErrorForStatus(401, {}, undefined, { refusal: "not_logged_in", tokenExpired: true });
    expect(expired.reason).toBe("token_expired");
    const cors = nextcloudErrorForStatus(401, {}, undefined, { refusal: "cors_requires_basic_auth", tokenExpired: true });
    expect(cors.reason).toBe("cors_requires_basic_auth");
    expect(cors.message).toMatch(/OCS-APIRequest: true/);
    for (const error of [untrusted, expired, cors]) expect(error.message).not.toMatch(/provision Nextcloud access again/i);
    // An override never hides the reason of a 401.
    expect(nextcloudErrorForStatus(401, { overrides: { 401: { failure: "conflict", message: "x" } } }).reason).toBe("token_not_trusted");
  });

  it("tells a CSRF refusal (412) apart from a stale etag (412)", () => {
    expect(nextcloudErrorForStatus(412, { subject: "Note 7" }, undefined, { refusal: "csrf_check_failed" })).toMatchObject({ failure: "unauthorized", reason: "csrf_check_failed" });
    expect(nextcloudErrorForStatus(412, { subject: "Note 7" })).toMatchObject({ failure: "conflict", reason: undefined });
  });

  it("uses an operation's own meaning of a status", () => {
    const error = nextcloudErrorForStatus(409, { subject: "/a/b.txt", overrides: { 409: { failure: "conflict", message: "The folder /a does not exist." } } });
    expect(error.message).toBe("The folder /a does not exist.");
    expect(error.status).toBe(409);
  });

  it("tells how long Nextcloud asked to wait", () => {
    expect(nextcloudErrorForStatus(503, {}, 120_000).message).toMatch(/wait 120 s/);
  });
});
