import { describe, expect, it } from "vitest";
import type { PrivateJwk } from "@/lib/idp/keys";
import { arrangeSigningKeys, describeSchedule } from "@/lib/idp/signing-key-schedule";

const key = (kid: string, kty: "EC" | "RSA"): PrivateJwk => ({ kid, kty, d: "x", alg: kty === "EC" ? "ES256" : "RS256" }) as PrivateJwk;
const NOW = 1_000_000;

describe("signing key schedule (staged rotation)", () => {
  // Stored order puts the newest keys first, as rotation writes them.
  const staged = [key("ec-new", "EC"), key("rsa-new", "RSA"), key("ec-old", "EC"), key("rsa-old", "RSA")];
  const activation = { "ec-new": NOW + 60_000, "rsa-new": NOW + 60_000 };

  it("publishes a staged key but signs with the active one of its type until the activation time", () => {
    const { keys, nextChangeAt } = arrangeSigningKeys(staged, activation, NOW);
    expect(keys.map((k) => k.kid)).toEqual(["ec-old", "rsa-old", "ec-new", "rsa-new"]);
    expect(nextChangeAt).toBe(NOW + 60_000);
    expect(describeSchedule(staged, activation, NOW).map((k) => [k.kid, k.state])).toEqual([
      ["ec-old", "signing"],
      ["rsa-old", "signing"],
      ["ec-new", "pending"],
      ["rsa-new", "pending"],
    ]);
  });

  it("signs with the staged key from its activation time on; the old one only verifies", () => {
    const { keys, nextChangeAt } = arrangeSigningKeys(staged, activation, NOW + 60_000);
    expect(keys.map((k) => k.kid).slice(0, 2)).toEqual(["ec-new", "rsa-new"]);
    expect(nextChangeAt).toBeNull();
    expect(describeSchedule(staged, activation, NOW + 60_000).find((k) => k.kid === "ec-old")?.state).toBe("verify-only");
  });

  it("keeps stored order for keys older than staging, and signs with a pending key of a type that has no active key", () => {
    expect(arrangeSigningKeys(staged, {}, NOW).keys.map((k) => k.kid)).toEqual(["ec-new", "rsa-new", "ec-old", "rsa-old"]);
    const onlyPendingRsa = [key("rsa-next", "RSA"), key("ec-old", "EC")];
    const arranged = arrangeSigningKeys(onlyPendingRsa, { "rsa-next": NOW + 5 }, NOW);
    expect(arranged.keys.find((k) => k.kty === "RSA")?.kid).toBe("rsa-next");
  });
});
