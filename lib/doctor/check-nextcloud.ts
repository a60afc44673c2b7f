/**
 * Nextcloud as this server reaches it, anonymously: `/status.php` (installed,
 * maintenance, version: the bearer rules this server relies on need
 * Nextcloud 30+) and the OCS capabilities (`/ocs/v2.php/cloud/capabilities`,
 * which name the enabled apps that publish capabilities: files, dav, notes…).
 * Whether user_oidc accepts this server's tokens is only visible with a real
 * token: `--account` (check-account.ts).
 */
import type { Config } from "@/lib/config";
import { nextcloudBaseUrl } from "@/lib/nextcloud/nextcloud-base-url";
import { isRecord } from "@/lib/is-record";
import { fetchJson } from "./fetch-json";
import { error, ok, reasonOf, warning, type DoctorLine } from "./report";

export const MIN_NEXTCLOUD_MAJOR = 30;
/** Apps the tools use, by the capability key each publishes. */
const TOOL_APPS = { files: "files (WebDAV)", notes: "notes" } as const;

export async function checkNextcloud(config: Config): Promise<{ lines: DoctorLine[]; sandbox: boolean }> {
  const base = nextcloudBaseUrl();
  const unreachableFix = config.NEXTCLOUD_URL ? "Check NEXTCLOUD_URL and that Nextcloud is reachable from this server." : "Start the sandbox (npm run sandbox, or npm run dev) or set NEXTCLOUD_URL.";
  let status;
  try {
    status = await fetchJson(`${base}/status.php`);
  } catch (cause) {
    return { lines: [error("nextcloud.reachable", `${base} did not answer: ${reasonOf(cause)}`, unreachableFix)], sandbox: false };
  }
  const sandbox = status.headers.get("x-nextcloud-sandbox") === "true";
  if (status.status !== 200 || !isRecord(status.json)) {
    return { lines: [error("nextcloud.reachable", `${base}/status.php answered ${status.status}, not Nextcloud's status`, `${unreachableFix} NEXTCLOUD_URL is the base URL (no /index.php).`)], sandbox };
  }
  const s = status.json;
  const lines: DoctorLine[] = [];
  const label = sandbox ? "the Nextcloud sandbox (test and demo data)" : String(s.productname ?? "Nextcloud");
  if (sandbox && config.NODE_ENV === "production") lines.push(error("nextcloud.reachable", `${base} is ${label}, not a Nextcloud`, "Set NEXTCLOUD_URL to your Nextcloud."));
  else lines.push(ok("nextcloud.reachable", `${base}: ${label}`));
  if (s.installed !== true) lines.push(error("nextcloud.status", "Nextcloud reports it is not installed", "Finish the Nextcloud installation."));
  else if (s.maintenance === true) lines.push(warning("nextcloud.status", "Nextcloud is in maintenance mode: every tool call fails meanwhile", "occ maintenance:mode --off once the maintenance is over."));
  else if (s.needsDbUpgrade === true) lines.push(warning("nextcloud.status", "Nextcloud needs a database upgrade", "Run occ upgrade on the Nextcloud server."));

  const version = typeof s.version === "string" ? s.version : "";
  const major = Number(version.split(".")[0]);
  const shown = typeof s.versionstring === "string" ? s.versionstring : version;
  if (!Number.isInteger(major) || major <= 0) lines.push(warning("nextcloud.version", "status.php names no version", `Check it is Nextcloud ${MIN_NEXTCLOUD_MAJOR} or newer.`));
  else if (major < MIN_NEXTCLOUD_MAJOR)
    lines.push(error("nextcloud.version", `Nextcloud ${shown}: the bearer-token rules this server relies on need ${MIN_NEXTCLOUD_MAJOR}+`, `Upgrade Nextcloud to ${MIN_NEXTCLOUD_MAJOR} or newer.`));
  else lines.push(ok("nextcloud.version", `Nextcloud ${shown} (${MIN_NEXTCLOUD_MAJOR}+ needed)`));

  try {
    const caps = await fetchJson(`${base}/ocs/v2.php/cloud/capabilities?format=json`, { "OCS-APIRequest": "true" });
    const data = isRecord(caps.json) && isRecord(caps.json.ocs) && isRecord(caps.json.ocs.data) ? caps.json.ocs.data : null;
    const capabilities = data && isRecord(data.capabilities) ? data.capabilities : null;
    if (caps.status !== 200 || !capabilities) {
      lines.push(
        warning(
          "nextcloud.apps",
          `${base}/ocs/v2.php/cloud/capabilities answered ${caps.status}: the enabled apps cannot be listed`,
          sandbox ? "Nothing to do for the sandbox; against a real Nextcloud this lists the apps." : "Check that OCS is reachable at NEXTCLOUD_URL (a proxy may block /ocs).",
        ),
      );
    } else {
      const apps = Object.keys(capabilities).sort();
      const missing = Object.entries(TOOL_APPS).filter(([key]) => !apps.includes(key));
      lines.push(
        missing.length
          ? warning(
              "nextcloud.apps",
              `enabled apps with capabilities: ${apps.join(", ")}; missing: ${missing.map(([, name]) => name).join(", ")}${sandbox ? " (the sandbox, like Nextcloud, lists Notes, Deck and sharing only to a signed-in user)" : ""}`,
              sandbox ? "Nothing to do for the sandbox." : `Enable ${missing.map(([key]) => key).join(" and ")} in Nextcloud (occ app:enable), or the matching tools fail.`,
            )
          : ok("nextcloud.apps", `enabled apps with capabilities: ${apps.join(", ")}`),
      );
      if (apps.includes("user_oidc")) lines.push(ok("nextcloud.user_oidc", "user_oidc publishes capabilities (installed and enabled)"));
    }
  } catch (cause) {
    lines.push(warning("nextcloud.apps", `capabilities did not answer: ${reasonOf(cause)}`, "Check that OCS is reachable at NEXTCLOUD_URL."));
  }
  if (!lines.some((l) => l.check === "nextcloud.user_oidc")) {
    lines.push(
      sandbox
        ? ok("nextcloud.user_oidc", "the sandbox checks bearer tokens the way user_oidc does")
        : warning("nextcloud.user_oidc", "whether user_oidc accepts this server's tokens is not visible anonymously", "Run npm run doctor -- --account NAME (an account that provisioned Nextcloud) to check with a real token."),
    );
  }
  return { lines, sandbox };
}
