import { describe, expect, it } from "vitest";
import { deniedSignInLocation } from "@/lib/dashboard/denied-sign-in";

describe("a refused dashboard sign-in", () => {
  it("goes to the sign-in page's own message", () => {
    expect(deniedSignInLocation("http://localhost:3000/api/auth/callback/idp?error=access_denied&state=abc&iss=x")).toBe("/dashboard/sign-in?error=AccessDenied");
  });

  it("leaves every other callback to next-auth (codes, other errors, other paths)", () => {
    for (const url of [
      "http://localhost:3000/api/auth/callback/idp?code=abc&state=x",
      "http://localhost:3000/api/auth/callback/idp?error=access_denied&code=abc",
      "http://localhost:3000/api/auth/callback/idp?error=server_error",
      "http://localhost:3000/api/auth/callback/other?error=access_denied",
      "http://localhost:3000/api/auth/signin?error=access_denied",
      "not a url",
    ]) {
      expect(deniedSignInLocation(url)).toBeUndefined();
    }
  });
});
