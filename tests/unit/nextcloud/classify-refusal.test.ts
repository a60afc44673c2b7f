import { describe, expect, it } from "vitest";
import { classifyRefusal } from "@/lib/nextcloud/classify-refusal";
import { headersForApi } from "@/lib/nextcloud/nextcloud-api";

describe("classifyRefusal (Nextcloud 32 answers, issue 13)", () => {
  it.each([
    [401, '{"message":"CORS requires basic auth"}', "cors_requires_basic_auth"],
    [412, '{"message":"CSRF check failed"}', "csrf_check_failed"],
    [401, '{"ocs":{"meta":{"status":"failure","statuscode":997,"message":"Current user is not logged in"},"data":[]}}', "not_logged_in"],
    [401, "<?xml version=\"1.0\"?><ocs><meta><statuscode>997</statuscode></meta></ocs>", "not_logged_in"],
    [401, '<?xml version="1.0"?><d:error xmlns:d="DAV:"><s:exception>Sabre\\DAV\\Exception\\NotAuthenticated</s:exception></d:error>', "not_logged_in"],
    [412, '{"id":7,"etag":"abc","content":"current note"}', undefined],
    [412, "", undefined],
    [404, '{"message":"CORS requires basic auth"}', undefined],
  ] as const)("%i %s → %s", (status, body, expected) => {
    expect(classifyRefusal(status, body)).toBe(expected);
  });
});

describe("headersForApi", () => {
  it("sends OCS-APIRequest: true to OCS and to #[CORS] app APIs, nothing extra to WebDAV", () => {
    expect(headersForApi("ocs")["OCS-APIRequest"]).toBe("true");
    expect(headersForApi("app")["OCS-APIRequest"]).toBe("true");
    expect(headersForApi("webdav")).toEqual({});
  });
});
