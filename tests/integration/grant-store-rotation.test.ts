/**
 * Re-encryption in the application process, on each database kind: a row
 * that changes between the rotation's read and its write (a refresh stored a
 * rotated token, an IdP setting was replaced) keeps the newer value — the
 * compare on the old ciphertext refuses to write back stale plaintext.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyIdOf, open, seal } from "@/lib/crypto/envelope";
import { keyRingFrom } from "@/lib/crypto/key-ring";
import { saveGrant } from "@/lib/provisioning/grant-store";
import { reencryptSecrets } from "@/lib/provisioning/reencrypt-secrets";
import { grantRefreshTokenContext } from "@/lib/provisioning/secret-contexts";
import { withRefreshToken } from "@/lib/provisioning/with-refresh-token";
import { openInProcessDatabase, TEST_KEY_NEW, TEST_KEY_OLD, useEncryptionKeys, type InProcessDatabase } from "../helpers/in-process-database";

let h: InProcessDatabase;
beforeAll(async () => {
  h = await openInProcessDatabase({ TOKEN_ENCRYPTION_KEYS: TEST_KEY_OLD });
});
afterAll(async () => h?.close());

const stored = async (userId: string) => {
  const row = await h.prisma.nextcloudGrant.findFirstOrThrow({ where: { userId } });
  return { keyId: row.keyId, plaintext: await open(row.encryptedRefreshToken!, grantRefreshTokenContext(userId, "nextcloud")) };
};

describe("re-encryption racing the application", () => {
  it("never writes back a value that changed after it was read", async () => {
    for (const user of ["a", "b", "c"]) await saveGrant({ userId: user, audience: "nextcloud", flowType: "flow2", scopes: ["account.read"], refreshToken: `rt-${user}-1` });
    const oldSetting = await seal("idp-secret-1", "idp.cookie-keys");
    await h.prisma.instanceSetting.create({ data: { key: "idp.cookie-keys", value: { sealed: oldSetting.ciphertext } } });

    useEncryptionKeys(`${TEST_KEY_NEW},${TEST_KEY_OLD}`);
    const grantIds = Object.fromEntries((await h.prisma.nextcloudGrant.findMany()).map((g) => [g.id, g.userId]));
    const reports = await reencryptSecrets({
      batchSize: 2,
      async beforeWrite(table, id) {
        // The background runner rotates b's refresh token right now.
        if (table === "nextcloud_grants" && grantIds[id] === "b") {
          await withRefreshToken("b", "nextcloud", async (rt) => ({ refreshToken: `${rt.replace(/-1$/, "")}-2`, value: null }));
        }
        if (table === "instance_settings") {
          const replaced = await seal("idp-secret-2", "idp.cookie-keys", keyRingFrom([{ id: "old", key: Buffer.from(TEST_KEY_OLD.split(":")[1]!, "base64") }]));
          await h.prisma.instanceSetting.update({ where: { key: "idp.cookie-keys" }, data: { value: { sealed: replaced.ciphertext } } });
        }
      },
    });

    const grants = reports.find((r) => r.table === "nextcloud_grants")!;
    expect(grants).toMatchObject({ rotated: 2, changedMeanwhile: 1, failed: [] });
    expect(await stored("a")).toEqual({ keyId: "new", plaintext: "rt-a-1" });
    expect(await stored("b")).toEqual({ keyId: "new", plaintext: "rt-b-2" }); // the refresh's token, not the stale one
    expect(await stored("c")).toEqual({ keyId: "new", plaintext: "rt-c-1" });

    const settings = reports.find((r) => r.table === "instance_settings")!;
    expect(settings).toMatchObject({ rotated: 0, changedMeanwhile: 1 });
    const setting = (await h.prisma.instanceSetting.findUniqueOrThrow({ where: { key: "idp.cookie-keys" } })).value as { sealed: string };
    expect(await open(setting.sealed, "idp.cookie-keys")).toBe("idp-secret-2");
    expect(keyIdOf(setting.sealed)).toBe("old");

    // The next run picks up what changed meanwhile.
    const again = await reencryptSecrets();
    expect(again.find((r) => r.table === "instance_settings")).toMatchObject({ rotated: 1, changedMeanwhile: 0 });
    expect(again.find((r) => r.table === "nextcloud_grants")).toMatchObject({ rotated: 0, changedMeanwhile: 0 });
  });
});
