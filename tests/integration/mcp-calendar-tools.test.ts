/**
 * End-to-end: the MCP SDK client (its own OAuth flow through the IdP's real
 * forms) calls the calendar, task and contact tools of the built app; every
 * call goes through the provisioning guard, an RFC 8693 exchange and the
 * sandbox, which serves Radicale on Nextcloud's CalDAV/CardDAV paths.
 * Only tools that tools/list returned are called. Once per NEXTCLOUD_AUTH
 * mode (one stack each): bearer sends the exchanged token, app-password the
 * person's app password from Login Flow v2 after checking that token.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDbKind } from "../helpers/databases";
import { ALICE, BOB, markNextcloud, NEXTCLOUD_AUTH_MODES, nextcloudSaw, PersonClient, provisionThrough as provision, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();
type Structured = Record<string, unknown>;
const data = (r: CallToolResult) => r.structuredContent as Structured;

describe.each(NEXTCLOUD_AUTH_MODES)(`calendar, task and contact tools end-to-end on ${kind}, NEXTCLOUD_AUTH=%s`, (mode) => {
  let stack: ProvisioningStack;
  let alice: PersonClient;
  let listed: Set<string>;

  /** The person grants, on each visit, only what the calling tool needs (unticking the rest), so each scope asks in turn. */
  async function provisionThrough(result: CallToolResult, person = ALICE) {
    expect(result.isError).toBe(true);
    await provision(stack, result, person);
  }

  /**
   * Calls a tool the model can see. tools/list shows the tools the token's
   * scopes allow; when the token does not cover a tool yet, the call steps up
   * (403 insufficient_scope, the SDK signs in again) and the tool must then be
   * listed.
   */
  async function call(client: PersonClient, name: string, args: Record<string, unknown> = {}) {
    if (!listed.has(name)) {
      const result = await client.call(name, args);
      listed = new Set((await client.client.listTools()).tools.map((t) => t.name));
      expect(listed.has(name), `${name} is in tools/list`).toBe(true);
      return result;
    }
    return client.call(name, args);
  }

  beforeAll(async () => {
    stack = await startProvisioningStack({ NEXTCLOUD_AUTH: mode });
    alice = await new PersonClient(stack, ALICE).connect();
    listed = new Set((await alice.client.listTools()).tools.map((t) => t.name));
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  it("lists the tools with schemas and annotations once the token allows them", async () => {
    await call(alice, "nc_calendar_list_calendars");
    await call(alice, "nc_calendar_create_event", { title: "x", start: "not a date" });
    await call(alice, "nc_contacts_create", { name: "x", birthday: "never" });
    const { tools } = await alice.client.listTools();
    const calendarTools = tools.filter((t) => /^nc_(calendar|tasks|contacts)_/.test(t.name));
    expect(calendarTools.map((t) => t.name).sort()).toEqual(
      [
        "nc_calendar_create_event", "nc_calendar_delete_event", "nc_calendar_find_free_time", "nc_calendar_get_event", "nc_calendar_list_calendars", "nc_calendar_list_events", "nc_calendar_update_event",
        "nc_contacts_create", "nc_contacts_delete", "nc_contacts_get", "nc_contacts_list_address_books", "nc_contacts_search", "nc_contacts_update",
        "nc_tasks_create", "nc_tasks_delete", "nc_tasks_list", "nc_tasks_update",
      ].sort(),
    );
    for (const t of calendarTools) {
      expect(t.outputSchema, t.name).toBeTruthy();
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe("boolean");
    }
  });

  it("the first calendar call asks for calendar.read; then Alice's seeded week comes back with recurrences expanded", async () => {
    const first = await call(alice, "nc_calendar_list_events", {});
    expect(textOf(first)).toMatch(/calendar\.read/);
    await provisionThrough(first);
    const mark = await markNextcloud(stack);
    const week = await call(alice, "nc_calendar_list_events", { time_zone: "Europe/Berlin", limit: 200 });
    expect(week.isError, textOf(week)).toBeFalsy();
    const events = data(week).events as Structured[];
    // The stand-up recurs Monday and Wednesday; some of this week (or the next 7 days) is always covered.
    expect(events.some((e) => e.title === "Team stand-up" && e.recurring === true)).toBe(true);
    expect(events.every((e) => e.all_day === true || /[+-]\d{2}:\d{2}$/.test(e.start as string))).toBe(true);
    // The sandbox saw a token for exactly calendar.read (bearer), or Alice's app password (app-password).
    await nextcloudSaw(stack, mark, (t) => t.path.startsWith("/remote.php/dav/calendars/"), { scope: ["calendar.read"], user: ALICE.username });
    const calendars = data(await call(alice, "nc_calendar_list_calendars")).calendars as Structured[];
    expect(calendars.map((c) => c.id).sort()).toEqual(["personal", "tasks"]);
  });

  let eventId: string;
  let eventEtag: string;

  it("create (needs calendar.write) → get → update with etag → stale etag refused → free time → delete", async () => {
    const refused = await call(alice, "nc_calendar_create_event", { title: "Planning", start: "2027-01-11T10:00:00", time_zone: "Europe/Berlin" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/calendar\.write/);
    await provisionThrough(refused);
    const created = await call(alice, "nc_calendar_create_event", { title: "Planning", start: "2027-01-11T10:00:00", end: "2027-01-11T11:30:00", time_zone: "Europe/Berlin", location: "Room 1", reminder_minutes_before: [10], rrule: "FREQ=WEEKLY;COUNT=3" });
    expect(created.isError, textOf(created)).toBeFalsy();
    expect(data(created)).toMatchObject({ title: "Planning", start: "2027-01-11T10:00:00+01:00", end: "2027-01-11T11:30:00+01:00", time_zone: "Europe/Berlin", recurring: true, reminders_minutes_before: [10] });
    eventId = data(created).id as string;
    eventEtag = data(created).etag as string;

    const got = await call(alice, "nc_calendar_get_event", { calendar: "personal", id: eventId });
    expect(data(got)).toMatchObject({ id: eventId, etag: eventEtag, location: "Room 1" });

    const moved = await call(alice, "nc_calendar_update_event", { calendar: "personal", id: eventId, etag: eventEtag, start: "2027-01-11T14:00:00+01:00" });
    expect(moved.isError, textOf(moved)).toBeFalsy();
    expect(data(moved)).toMatchObject({ start: "2027-01-11T14:00:00+01:00", end: "2027-01-11T15:30:00+01:00", location: "Room 1", previous_etag: eventEtag });
    const stale = await call(alice, "nc_calendar_update_event", { calendar: "personal", id: eventId, etag: eventEtag, title: "Overwritten" });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/changed in Nextcloud since you read it/);
    expect(data(await call(alice, "nc_calendar_get_event", { calendar: "personal", id: eventId })).title).toBe("Planning");

    const listedRange = await call(alice, "nc_calendar_list_events", { start: "2027-01-11T00:00:00+01:00", end: "2027-02-01T00:00:00+01:00", query: "planning" });
    expect((data(listedRange).events as Structured[]).map((e) => e.start)).toEqual(["2027-01-11T14:00:00+01:00", "2027-01-18T14:00:00+01:00", "2027-01-25T14:00:00+01:00"]);

    const page = await call(alice, "nc_calendar_list_events", { start: "2027-01-11T00:00:00+01:00", end: "2027-02-01T00:00:00+01:00", query: "planning", limit: 1, offset: 1 });
    expect(data(page)).toMatchObject({ total: 3, truncated: true });
    expect((data(page).events as Structured[]).map((e) => e.start)).toEqual(["2027-01-18T14:00:00+01:00"]);

    const free = await call(alice, "nc_calendar_find_free_time", { start: "2027-01-11T09:00:00+01:00", end: "2027-01-11T18:00:00+01:00", duration_minutes: 60, time_zone: "Europe/Berlin" });
    expect(free.isError, textOf(free)).toBeFalsy();
    const slots = data(free).slots as { start: string; end: string }[];
    // 09:30-09:45 stand-up and 14:00-15:30 planning block the day.
    expect(slots.map((s) => [s.start, s.end])).toEqual([
      ["2027-01-11T09:45:00+01:00", "2027-01-11T14:00:00+01:00"],
      ["2027-01-11T15:30:00+01:00", "2027-01-11T18:00:00+01:00"],
    ]);

    const deleted = await call(alice, "nc_calendar_delete_event", { calendar: "personal", id: eventId });
    expect(data(deleted)).toMatchObject({ deleted: true, title: "Planning" });
    const gone = await call(alice, "nc_calendar_get_event", { calendar: "personal", id: eventId });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toMatch(/does not exist/);
  });

  it("malformed input is a clear tool error, never a protocol failure", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["nc_calendar_list_events", { start: "next tuesday" }, /ISO 8601/],
      ["nc_calendar_list_events", { start: "2027-02-30" }, /real calendar date/],
      ["nc_calendar_list_events", { start: "2027-01-10T00:00:00Z", end: "2027-01-09T00:00:00Z" }, /end must be after start/],
      ["nc_calendar_list_events", { calendar: "nope" }, /no calendar "nope"/],
      ["nc_calendar_list_events", { time_zone: "Mars/Olympus" }, /IANA/],
      ["nc_calendar_create_event", { title: "x", start: "2027-01-11T10:00:00+01:00", end: "2027-01-11T09:00:00+01:00" }, /end must be after start/],
      ["nc_calendar_create_event", { title: "x", start: "2027-01-11T10:00:00" }, /offset|time_zone/],
      ["nc_calendar_create_event", { title: "x", start: "2027-01-11T10:00:00Z", rrule: "EVERY MONDAY" }, /RRULE/],
      ["nc_calendar_get_event", { calendar: "../bob", id: "x.ics" }, /Invalid calendar/],
      ["nc_calendar_get_event", { calendar: "personal", id: "missing.ics" }, /does not exist/],
      // Schema violations are answered by the SDK's validation, also as a tool error.
      ["nc_calendar_list_events", { limit: 0 }, /limit/],
      ["nc_calendar_find_free_time", { duration_minutes: "an hour" }, /duration_minutes/],
      ["nc_calendar_find_free_time", { duration_minutes: 30, working_hours: { from: "17:00", to: "09:00" } }, /working_hours/],
    ];
    for (const [name, args, message] of cases) {
      const result = await call(alice, name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result), `${name} ${JSON.stringify(args)}`).toMatch(message);
    }
  });

  it("tasks: list open, create, complete, delete", async () => {
    const open = await call(alice, "nc_tasks_list", {});
    expect(open.isError, textOf(open)).toBeFalsy();
    const titles = (data(open).tasks as Structured[]).map((t) => t.title);
    expect(titles).toContain("Renew passport");
    expect(titles).not.toContain("Call the plumber");
    const created = await call(alice, "nc_tasks_create", { title: "Pack for the conference", due: "2027-01-12", priority: 2 });
    expect(data(created)).toMatchObject({ calendar: "tasks", due: "2027-01-12", completed: false, priority: 2 });
    const done = await call(alice, "nc_tasks_update", { calendar: "tasks", id: data(created).id, etag: data(created).etag, completed: true });
    expect(data(done)).toMatchObject({ completed: true, status: "COMPLETED", percent_complete: 100 });
    const completed = (data(await call(alice, "nc_tasks_list", { status: "completed" })).tasks as Structured[]).map((t) => t.title);
    expect(completed).toContain("Pack for the conference");
    expect(data(await call(alice, "nc_tasks_delete", { calendar: "tasks", id: data(created).id }))).toMatchObject({ deleted: true });
  });

  it("contacts: the first call asks for contacts.read; search by name and phone; create, update, delete", async () => {
    const first = await call(alice, "nc_contacts_search", { query: "carla" });
    expect(textOf(first)).toMatch(/contacts\.read/);
    await provisionThrough(first);
    const carla = await call(alice, "nc_contacts_search", { query: "carla" });
    expect((data(carla).contacts as Structured[]).map((c) => c.name)).toEqual(["Carla Rossi"]);
    expect((data(await call(alice, "nc_contacts_search", { query: "+49 30 5550456" })).contacts as Structured[]).map((c) => c.name)).toEqual(["Bob Martin"]);
    const refused = await call(alice, "nc_contacts_create", { name: "Greta Nilsson" });
    await provisionThrough(refused);
    const created = await call(alice, "nc_contacts_create", { given_name: "Greta", family_name: "Nilsson", emails: [{ value: "greta@example.se", type: "work" }] });
    expect(data(created)).toMatchObject({ name: "Greta Nilsson", address_book: "contacts" });
    const updated = await call(alice, "nc_contacts_update", { address_book: "contacts", id: data(created).id, etag: data(created).etag, phones: [{ value: "+46 8 555 0100", type: "cell" }] });
    expect(data(updated)).toMatchObject({ phones: [{ value: "+46 8 555 0100", type: "cell" }], emails: [{ value: "greta@example.se", type: "work" }] });
    const badEmail = await call(alice, "nc_contacts_update", { address_book: "contacts", id: data(created).id, emails: [{ value: "not-an-email" }] });
    expect(badEmail.isError).toBe(true);
    expect(data(await call(alice, "nc_contacts_delete", { address_book: "contacts", id: data(created).id }))).toMatchObject({ deleted: true, name: "Greta Nilsson" });
  });

  it("Bob never sees Alice's events or contacts, and Alice never Bob's", async () => {
    const secret = await call(alice, "nc_calendar_create_event", { title: "Alice private", start: "2027-03-01T10:00:00Z" });
    const bob = await new PersonClient(stack, BOB).connect();
    try {
      await provisionThrough(await call(bob, "nc_calendar_list_events", {}), BOB);
      const peek = await call(bob, "nc_calendar_get_event", { calendar: "personal", id: data(secret).id });
      expect(peek.isError).toBe(true);
      expect(textOf(peek)).toMatch(/does not exist/);
      const bobs = await call(bob, "nc_calendar_list_events", { start: "2027-03-01T00:00:00Z", end: "2027-03-02T00:00:00Z" });
      expect((data(bobs).events as Structured[]).map((e) => e.title)).not.toContain("Alice private");
      await provisionThrough(await call(bob, "nc_calendar_create_event", { title: "Bob private", start: "2027-03-01T12:00:00Z" }), BOB);
      await call(bob, "nc_calendar_create_event", { title: "Bob private", start: "2027-03-01T12:00:00Z" });
      const alices = await call(alice, "nc_calendar_list_events", { start: "2027-03-01T00:00:00Z", end: "2027-03-02T00:00:00Z", query: "private" });
      expect((data(alices).events as Structured[]).map((e) => e.title)).toEqual(["Alice private"]);

      const card = await call(alice, "nc_contacts_create", { name: "Zelda Private", phones: [{ value: "+49 89 5550111" }] });
      await provisionThrough(await call(bob, "nc_contacts_search", { query: "zelda" }), BOB);
      expect(data(await call(bob, "nc_contacts_search", { query: "zelda" })).contacts).toEqual([]);
      expect(data(await call(bob, "nc_contacts_search", { query: "5550111" })).contacts).toEqual([]);
      const peekCard = await call(bob, "nc_contacts_get", { address_book: "contacts", id: data(card).id });
      expect(peekCard.isError).toBe(true);
    } finally {
      await bob.close();
    }
  });
});
