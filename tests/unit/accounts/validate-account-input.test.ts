import { describe, expect, it } from "vitest";
import { AccountInputError, normalizeUsername, parseNewAccount } from "@/lib/accounts/validate-account-input";

function issuesOf(input: unknown): { field: string; message: string }[] {
  try {
    parseNewAccount(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AccountInputError);
    return (error as AccountInputError).issues;
  }
  throw new Error("expected the input to be refused");
}

const good = { username: "alice", password: "correct horse battery" };

describe("new account validation", () => {
  it("accepts a minimal account and normalises username (lower case, trimmed), email and display name (trimmed)", () => {
    expect(parseNewAccount(good)).toEqual(good);
    expect(parseNewAccount({ ...good, username: "  Alice.Smith_2 ", email: " alice@example.com ", displayName: " Alice ", isAdmin: true })).toEqual({
      username: "alice.smith_2",
      password: "correct horse battery",
      email: "alice@example.com",
      displayName: "Alice",
      isAdmin: true,
    });
  });

  it("keeps the password exactly as typed (spaces are part of it)", () => {
    expect(parseNewAccount({ ...good, password: "  spaced out  " }).password).toBe("  spaced out  ");
  });

  it.each([
    ["a", "too short"],
    ["x".repeat(65), "too long"],
    ["-alice", "starts with a symbol"],
    [".alice", "starts with a dot"],
    ["al ice", "contains a space"],
    ["alice@example.com", "contains @"],
    ["ålice", "not ASCII"],
    ["ali\nce", "control character"],
    ["", "empty"],
  ])("refuses the username %j (%s)", (username) => {
    expect(issuesOf({ ...good, username }).map((i) => i.field)).toEqual(["username"]);
  });

  it("accepts usernames of 2 and 64 characters", () => {
    expect(parseNewAccount({ ...good, username: "ab" }).username).toBe("ab");
    expect(parseNewAccount({ ...good, username: "a".repeat(64) }).username).toHaveLength(64);
  });

  it("refuses a password shorter than 8 or longer than 1024 characters, with a message that does not contain it", () => {
    const short = issuesOf({ ...good, password: "seven77" });
    expect(short).toEqual([{ field: "password", message: "must be at least 8 characters" }]);
    const long = "p".repeat(1025);
    const issues = issuesOf({ ...good, password: long });
    expect(issues).toEqual([{ field: "password", message: "must be at most 1024 characters" }]);
    expect(parseNewAccount({ ...good, password: "p".repeat(1024) }).password).toHaveLength(1024);
    expect(parseNewAccount({ ...good, password: "12345678" }).password).toBe("12345678");
  });

  it("never puts the offending values in the error message", () => {
    const secret = "s3cr3t!";
    try {
      parseNewAccount({ username: "bad user", password: secret, email: "not-an-email" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).not.toContain("not-an-email");
      expect((error as Error).message).not.toContain("bad user");
      expect((error as Error).message).toContain("password must be at least 8 characters");
    }
  });

  it("refuses a bad email, an over-long or empty display name, and control characters in it", () => {
    expect(issuesOf({ ...good, email: "alice" })).toEqual([{ field: "email", message: "must be a valid email address" }]);
    expect(issuesOf({ ...good, email: `${"a".repeat(250)}@example.com` })[0]!.field).toBe("email");
    expect(issuesOf({ ...good, displayName: "d".repeat(101) })).toEqual([{ field: "displayName", message: "must be at most 100 characters" }]);
    expect(parseNewAccount({ ...good, displayName: "d".repeat(100) }).displayName).toHaveLength(100);
    expect(issuesOf({ ...good, displayName: "   " })[0]!.field).toBe("displayName");
    expect(issuesOf({ ...good, displayName: "Eve\u001b[2J" })).toEqual([{ field: "displayName", message: "must not contain control characters" }]);
    expect(issuesOf({ ...good, displayName: "Eve\u202egnp.exe" })[0]!.field).toBe("displayName"); // bidi override
  });

  it("names every missing or mistyped field and refuses unknown ones", () => {
    expect(issuesOf({})).toEqual([
      { field: "username", message: "is required" },
      { field: "password", message: "is required" },
    ]);
    expect(issuesOf({ username: 42, password: 12345678 })).toEqual([
      { field: "username", message: "must be a string" },
      { field: "password", message: "must be a string" },
    ]);
    expect(issuesOf({ ...good, isAdmin: "yes" })).toEqual([{ field: "isAdmin", message: "must be true or false" }]);
    expect(issuesOf({ ...good, passwordHash: "scrypt$..." })[0]!.message).toMatch(/passwordHash/);
    expect(issuesOf(null)[0]!.field).toBe("input");
  });

  it("normalises usernames for look-ups the same way", () => {
    expect(normalizeUsername("  DeMo ")).toBe("demo");
  });
});
