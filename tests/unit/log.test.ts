import { describe, expect, it } from "vitest";
import { redact } from "@/lib/log";

describe("redact", () => {
  it("hides fields that carry credentials and keeps the rest", () => {
    expect(
      redact({ access_token: "a", refresh_token: "b", client_secret: "c", password: "d", authorization: "e", code: "f", user: "alice" }),
    ).toEqual({
      access_token: "[redacted]",
      refresh_token: "[redacted]",
      client_secret: "[redacted]",
      password: "[redacted]",
      authorization: "[redacted]",
      code: "[redacted]",
      user: "alice",
    });
  });
});
