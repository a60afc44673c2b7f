/**
 * Removes scopes from a stored Nextcloud grant (the person narrowed it on the
 * dashboard). A write like the others of the grant store: through
 * writingGrant (the tool-call cache forgets the grant), optimistic on
 * `version`, landing on an idle (even) version. Only a live grant is
 * narrowed, and never to nothing: taking every scope away is revocation.
 * The IdP side is narrowed by the caller first (lib/dashboard/narrow-nextcloud-access.ts).
 */
import { db } from "@/lib/db";
import { GRANT_METADATA, GrantConflictError, nextIdleVersion, toGrantInfo, writingGrant, type NextcloudGrantInfo } from "./grant-store";

const MAX_ATTEMPTS = 5;

export function narrowGrantScopes(input: { userId: string; audience: string; remove: readonly string[] }): Promise<NextcloudGrantInfo | null> {
  return writingGrant(input.userId, input.audience, async () => {
    const prisma = await db();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const row = await prisma.nextcloudGrant.findUnique({ where: { userId_audience: { userId: input.userId, audience: input.audience } }, select: { id: true, version: true, scopes: true, revokedAt: true } });
      if (!row || row.revokedAt) return null;
      const scopes = row.scopes.filter((s) => !input.remove.includes(s));
      if (scopes.length === 0) throw new Error("narrowing would leave no scope: revoke instead");
      const { count } = await prisma.nextcloudGrant.updateMany({
        where: { id: row.id, version: row.version },
        data: { scopes, version: nextIdleVersion(row.version) },
      });
      if (count === 1) return toGrantInfo(await prisma.nextcloudGrant.findUniqueOrThrow({ where: { id: row.id }, select: GRANT_METADATA }));
    }
    throw new GrantConflictError("the grant kept changing while it was being narrowed");
  });
}
