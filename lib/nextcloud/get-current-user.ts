/**
 * The OCS provisioning API's current user (`GET /ocs/v2.php/cloud/user`,
 * header `OCS-APIRequest: true`, which Nextcloud requires of API clients as
 * its CSRF guard): id, display name, email, quota and groups.
 */
import { z } from "zod";
import type { NextcloudToken } from "@/lib/broker/token-types";
import { NextcloudRequestError, requestNextcloudJson } from "./nextcloud-request";

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
  quota: { usedBytes: number | null; freeBytes: number | null; totalBytes: number | null; relativePercent: number | null };
}

export async function getCurrentUser(token: NextcloudToken, signal?: AbortSignal): Promise<NextcloudUser> {
  const body = await requestNextcloudJson({ token, path: "/ocs/v2.php/cloud/user?format=json", headers: { "OCS-APIRequest": "true" }, signal });
  const parsed = ocsUser.safeParse(body);
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's user information was not in the expected format.");
  const data = parsed.data.ocs.data;
  const num = (v: number | undefined) => (typeof v === "number" && v >= 0 ? v : null);
  return {
    id: data.id,
    displayName: data.displayname ?? data["display-name"] ?? data.id,
    email: data.email ? data.email : null,
    groups: data.groups,
    quota: { usedBytes: num(data.quota.used), freeBytes: num(data.quota.free), totalBytes: num(data.quota.total), relativePercent: num(data.quota.relative) },
  };
}
