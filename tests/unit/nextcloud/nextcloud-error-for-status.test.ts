import { describe, expect, it } from "vitest";
import { nextcloudErrorForStatus } from "@/lib/nextcloud/nextcloud-error-for-status";

describe("nextcloudErrorForStatus", () => {
  it.each([
    [400, "invalid", false, /invalid/],
    [401, "unauthorized", false, /expired or was revoked\. Provision Nextcloud access again/],
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

  it("uses an operation's own meaning of a status", () => {
    const error = nextcloudErrorForStatus(409, { subject: "/a/b.txt", overrides: { 409: { failure: "conflict", message: "The folder /a does not exist." } } });
    expect(error.message).toBe("The folder /a does not exist.");
    expect(error.status).toBe(409);
  });

  it("tells how long Nextcloud asked to wait", () => {
    expect(nextcloudErrorForStatus(503, {}, 120_000).message).toMatch(/wait 120 s/);
  });
});
