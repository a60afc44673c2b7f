/**
 * The OCS provisioning API's current user (`GET /ocs/v2.php/cloud/user`, an
 * "ocs" request: nextcloud-api.ts adds `OCS-APIRequest: true`): id, display
 * name, email, quota and groups.
 *
 * Quota: `quota.quota` is the limit in bytes, or one of Nextcloud's special
 * values (lib/public/Files/FileInfo.php): -1 not computed, -2 unknown,
 * -3 unlimited (measured: a user without a quota gets -3).
 */
import { z } from "zod";
import type { NextcloudToken } from "@/lib/tokens/token-types";
import { NextcloudRequestError } from "./nextcloud-request";
import { jsonBody, sendNextcloudRequest } from "./send-nextcloud-request";

export const SPACE_UNLIMITED = -3;

const quotaNumber = z.union([z.number(), z.string().transform((s) => Number(s))]).pipe(z.number().finite());

const ocsUser = z.object({
  ocs: z.object({
    data: z.object({
      id: z.string(),
      displayname: z.string().nullish(),
      "display-name": z.string().nullish(),
      email: z.string().nullish(),
      groups: z.array(z.string()).default([]),
      quota: z
        .object({
          free: quotaNumber.optional(),
          used: quotaNumber.optional(),
          total: quotaNumber.optional(),
          relative: quotaNumber.optional(),
          quota: quotaNumber.optional(),
        })
        .partial()
        .default({}),
    }),
  }),
});

export interface NextcloudUser {
  id: string;
  displayName: string;
  email: string | null;
  groups: string[];
  quota: { usedBytes: number | null; freeBytes: number | null; totalBytes: number | null; relativePercent: number | null; unlimited: boolean };
}

export async function getCurrentUser(token: NextcloudToken, signal?: AbortSignal, baseUrl?: string): Promise<NextcloudUser> {
  const response = await sendNextcloudRequest({ token, signal, baseUrl }, { api: "ocs", method: "GET", path: "/ocs/v2.php/cloud/user?format=json", context: { subject: "Your Nextcloud account" } });
  const parsed = ocsUser.safeParse(jsonBody(response));
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's user information was not in the expected format.");
  const data = parsed.data.ocs.data;
  const num = (v: number | undefined) => (typeof v === "number" && v >= 0 ? v : null);
  const unlimited = data.quota.quota === SPACE_UNLIMITED;
  return {
    id: data.id,
    displayName: data.displayname ?? data["display-name"] ?? data.id,
    email: data.email ? data.email : null,
    groups: data.groups,
    // Unlimited: "free" and "total" describe the disk, not a limit of this user.
    quota: {
      usedBytes: num(data.quota.used),
      freeBytes: unlimited ? null : num(data.quota.free),
      totalBytes: unlimited ? null : num(data.quota.total),
      relativePercent: unlimited ? null : num(data.quota.relative),
      unlimited,
    },
  };
}
