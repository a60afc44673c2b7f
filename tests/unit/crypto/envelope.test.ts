import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, keyIdOf, open, seal } from "@/lib/crypto/envelope";
import { keyRingFrom } from "@/lib/crypto/key-ring";

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };

describe("envelope encryption", () => {
  it("round-trips with the current key and names it", async () => {
    const ring = keyRingFrom([k1]);
    const sealed = await seal("refresh-token-value", "grant:alice", ring);
    expect(sealed.keyId).toBe("k1");
    expect(keyIdOf(sealed.ciphertext)).toBe("k1");
    expect(sealed.ciphertext).not.toContain("refresh-token-value");
    expect(await open(sealed.ciphertext, "grant:alice", ring)).toBe("refresh-token-value");
  });

  it("decrypts with an older key after rotation, encrypts with the newest", async () => {
    const old = await seal("s", "c", keyRingFrom([k1]));
    const rotated = keyRingFrom([k2, k1]);
    expect(await open(old.ciphertext, "c", rotated)).toBe("s");
    expect((await seal("s", "c", rotated)).keyId).toBe("k2");
  });

  it("refuses an unknown key id, a tampered ciphertext and another context", async () => {
    const ring = keyRingFrom([k1]);
    const sealed = await seal("secret", "grant:alice", ring);
    await expect(open(sealed.ciphertext, "grant:alice", keyRingFrom([k2]))).rejects.toThrow(DecryptionError);
    const parts = sealed.ciphertext.split(".");
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith("AA") ? "BB" : "AA");
    await expect(open(parts.join("."), "grant:alice", ring)).rejects.toThrow(DecryptionError);
    await expect(open(sealed.ciphertext, "grant:bob", ring)).rejects.toThrow(/another context/);
    await expect(open("not a jwe", "grant:alice", ring)).rejects.toThrow(DecryptionError);
  });

  it("never reuses an IV", async () => {
    const ring = keyRingFrom([k1]);
    const ivs = new Set<string>();
    for (let i = 0; i < 200; i++) ivs.add((await seal("x", "c", ring)).ciphertext.split(".")[2]!);
    expect(ivs.size).toBe(200);
  });
});
