/**
 * Where Nextcloud is: NEXTCLOUD_URL, or — when it is unset — the Nextcloud
 * sandbox on this machine (`npm run sandbox`, port SANDBOX_PORT), which is
 * labelled a sandbox wherever a person can see it.
 */
import { getConfig } from "@/lib/config";

export function nextcloudBaseUrl(): string {
  const config = getConfig();
  return config.NEXTCLOUD_URL ?? `http://127.0.0.1:${config.SANDBOX_PORT}`;
}

/** True when the app talks to the sandbox rather than a configured Nextcloud. */
export function usesSandbox(): boolean {
  return getConfig().NEXTCLOUD_URL === undefined;
}
