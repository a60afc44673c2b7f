/**
 * The sandbox's calendars and contacts: Radicale behind the sandbox's front.
 * Radicale starts with the first CalDAV/CardDAV request (a sandbox that is
 * never asked about calendars never spawns it) and stops with the sandbox.
 * Each user's calendar home and address book home is created and seeded
 * (seed-data.ts) on their first request. When Radicale is not installed the
 * DAV routes answer 501 with the install command and everything else keeps
 * working.
 */
import { escapeXmlText } from "@/lib/nextcloud/parse-xml";
import type { SandboxRoute } from "../route-table";
import { davProxyRoutes } from "./dav-proxy-route";
import { RadicaleUnavailableError, startRadicale, type RadicaleProcess } from "./radicale-process";
import { seedCollections, type SeedCollection } from "./seed-data";

export interface DavBackendOptions {
  /** false: no calendars and contacts (the routes answer 501). Default true. */
  enabled?: boolean;
  /** Seed new users (default true). */
  seed?: boolean;
  /** The clock the seed's "this week" follows (tests). */
  now?: () => Date;
}

export class DavBackend {
  private radicale: Promise<RadicaleProcess> | undefined;
  private readonly seeded = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: DavBackendOptions = {}) {}

  routes(): SandboxRoute[] {
    return davProxyRoutes(this);
  }

  /** Radicale's base URL, started on first use. Throws RadicaleUnavailableError. */
  async server(): Promise<RadicaleProcess> {
    if (this.options.enabled === false) throw new RadicaleUnavailableError("is turned off for this sandbox");
    if (this.closed) throw new RadicaleUnavailableError("has stopped with the sandbox");
    this.radicale ??= startRadicale();
    try {
      return await this.radicale;
    } catch (error) {
      // Let a later request try again (e.g. after installing Radicale), but never mask the reason.
      this.radicale = undefined;
      throw error;
    }
  }

  /** Creates the user's homes and seed collections once. */
  async ensureUser(userId: string, email: string | null): Promise<void> {
    let pending = this.seeded.get(userId);
    if (!pending) {
      pending = this.createUser(userId, email ?? `${userId}@example.org`);
      this.seeded.set(userId, pending);
      pending.catch(() => this.seeded.delete(userId));
    }
    return pending;
  }

  private async createUser(userId: string, email: string): Promise<void> {
    const { url } = await this.server();
    const user = encodeURIComponent(userId);
    const send = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${url}${path}`, { method, body, headers: { "x-remote-user": userId, ...headers }, signal: AbortSignal.timeout(30_000) });
      await response.body?.cancel();
      // 405: the collection exists already (a second sandbox start on the same storage never happens, but be tolerant).
      if (!response.ok && response.status !== 405 && response.status !== 412) throw new Error(`Radicale answered ${response.status} to ${method} while seeding`);
    };
    await send("MKCOL", `/${user}/calendars/`);
    await send("MKCOL", `/${user}/addressbooks/`);
    const collections = this.options.seed === false ? [] : seedCollections(this.options.now?.() ?? new Date(), email);
    for (const collection of collections) {
      const base = `/${user}/${collection.kind === "calendar" ? "calendars" : "addressbooks"}/${encodeURIComponent(collection.name)}/`;
      await send("MKCOL", base, mkcolBody(collection), { "content-type": "application/xml; charset=utf-8" });
      for (const item of collection.items) {
        const type = collection.kind === "calendar" ? "text/calendar; charset=utf-8" : "text/vcard; charset=utf-8";
        await send("PUT", `${base}${encodeURIComponent(item.name)}`, item.body, { "content-type": type, "if-none-match": "*" });
      }
    }
  }

  /** Stops a Radicale that no longer answers; the next request starts (and seeds) a new one. */
  async reset(): Promise<void> {
    const radicale = this.radicale;
    this.radicale = undefined;
    this.seeded.clear();
    if (radicale) await (await radicale.catch(() => undefined))?.stop();
  }

  async close(): Promise<void> {
    this.closed = true;
    const radicale = this.radicale;
    this.radicale = undefined;
    if (radicale) await (await radicale.catch(() => undefined))?.stop();
  }
}

/** Extended MKCOL (RFC 5689) creating a calendar or address book with its name and component set. */
function mkcolBody(collection: SeedCollection): string {
  const type = collection.kind === "calendar" ? "<C:calendar/>" : "<A:addressbook/>";
  const components = collection.components?.map((c) => `<C:comp name="${c}"/>`).join("") ?? "";
  return `<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>
<D:resourcetype><D:collection/>${type}</D:resourcetype><D:displayname>${escapeXmlText(collection.displayName)}</D:displayname>
${components ? `<C:supported-calendar-component-set>${components}</C:supported-calendar-component-set>` : ""}
</D:prop></D:set></D:mkcol>`;
}
