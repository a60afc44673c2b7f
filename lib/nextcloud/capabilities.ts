/**
 * Which apps a Nextcloud has, from its OCS capabilities
 * (`GET /ocs/v2.php/cloud/capabilities`, Nextcloud's OCS API docs, "Capabilities API"):
 * `ocs.data.capabilities` has one key per enabled app that publishes
 * capabilities (`notes`, `deck`, `files_sharing`, `dav`, …).
 *
 * Read with a user's token: for an anonymous request Nextcloud answers only
 * the apps whose capabilities are public (IPublicCapability; Notes and Deck
 * are not), so an anonymous answer cannot tell that an app is missing. The
 * answer is cached per Nextcloud base URL (NEXTCLOUD_CAPABILITIES_TTL_SECONDS,
 * default 5 minutes) and refreshed on demand: a Nextcloud tool call refreshes
 * a stale entry with the token it already holds (define-nextcloud-tool.ts),
 * so no extra token exchange is ever made for it.
 *
 * Before the first successful read — and whenever reading fails — nothing is
 * known, and callers fail open (every tool stays listed; a call then reports
 * Nextcloud's real error).
 */
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { processWide } from "@/lib/process-wide";
import { nextcloudBaseUrl } from "./nextcloud-base-url";
import { jsonBody, sendNextcloudRequest, type NextcloudConnection } from "./send-nextcloud-request";

export const CAPABILITIES_PATH = "/ocs/v2.php/cloud/capabilities";

export interface NextcloudCapabilities {
  /** Keys of `capabilities`: the enabled apps that publish capabilities. */
  apps: ReadonlySet<string>;
  /** `version.string`, e.g. "32.0.1". */
  version: string | null;
  /** Milliseconds since the epoch. */
  readAt: number;
}

const envelope = z.object({
  ocs: z.object({
    data: z.object({
      version: z.object({ string: z.string() }).partial().optional(),
      capabilities: z.record(z.string(), z.unknown()),
    }),
  }),
});

interface CacheEntry {
  value?: NextcloudCapabilities;
  pending?: Promise<NextcloudCapabilities | undefined>;
  /** When the last read failed: not tried again for FAILURE_BACKOFF_MS, so a Nextcloud that is down does not slow every call. */
  failedAt?: number;
}

const FAILURE_BACKOFF_MS = 30_000;

const cache = () => processWide("nextcloud-capabilities", () => new Map<string, CacheEntry>());

const baseOf = (connection: Pick<NextcloudConnection, "baseUrl">) => (connection.baseUrl ?? nextcloudBaseUrl()).replace(/\/+$/, "");

function ttlMs(): number {
  return getConfig().NEXTCLOUD_CAPABILITIES_TTL_SECONDS * 1000;
}

/** Reads the capabilities once, with the connection's token (no cache). */
export async function readCapabilities(connection: NextcloudConnection): Promise<NextcloudCapabilities> {
  const response = await sendNextcloudRequest(
    // One short attempt: this read only decides what tools/list shows; the tool's own request reports real errors.
    { ...connection, timeoutMs: connection.timeoutMs ?? 5_000, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } },
    { api: "ocs", method: "GET", path: `${CAPABILITIES_PATH}?format=json`, context: { subject: "The capabilities" } },
  );
  const parsed = envelope.safeParse(jsonBody(response));
  if (!parsed.success) throw new Error("Nextcloud's capabilities are not in the OCS format");
  return { apps: new Set(Object.keys(parsed.data.ocs.data.capabilities)), version: parsed.data.ocs.data.version?.string ?? null, readAt: Date.now() };
}

/** What is known about the Nextcloud at `baseUrl` (default: the configured one), however old; undefined: nothing yet. */
export function knownCapabilities(baseUrl: string = nextcloudBaseUrl()): NextcloudCapabilities | undefined {
  return cache().get(baseUrl.replace(/\/+$/, ""))?.value;
}

/**
 * Reads the capabilities again when the cached answer is older than the TTL
 * (or `force`). One read at a time per Nextcloud; a failed read keeps what
 * was known and never throws.
 */
export async function refreshCapabilities(connection: NextcloudConnection, options: { force?: boolean } = {}): Promise<NextcloudCapabilities | undefined> {
  const base = baseOf(connection);
  const entries = cache();
  const entry = entries.get(base) ?? {};
  entries.set(base, entry);
  if (!options.force && entry.value && Date.now() - entry.value.readAt < ttlMs()) return entry.value;
  if (!options.force && entry.failedAt !== undefined && Date.now() - entry.failedAt < FAILURE_BACKOFF_MS) return entry.value;
  entry.pending ??= readCapabilities(connection)
    .then((value) => {
      entry.failedAt = undefined;
      return (entry.value = value);
    })
    .catch(() => {
      entry.failedAt = Date.now();
      return entry.value;
    })
    .finally(() => (entry.pending = undefined));
  return entry.pending;
}

/** Test-only: forget everything read. */
export function clearCapabilities(): void {
  cache().clear();
}
