/**
 * The calendar benchmark's data: Alice's sandbox calendar gets one busy
 * week (Monday 2027-01-04 to Sunday, Europe/Berlin) of ~50 events: 44 single
 * appointments, a daily stand-up (RRULE) and the sandbox's own seeded
 * Monday/Wednesday series. She steps up to calendar.read + calendar.write and
 * provisions them through the real pages, as a person would.
 */
import { ALICE, linkIn, openProvisioningLink, PersonClient, textOf, type ProvisioningStack } from "../../tests/helpers/provisioning-stack";
import type { FullStack } from "./start-bench-stack";

export const CALENDAR_WEEK_ARGS = { start: "2027-01-04T00:00:00+01:00", end: "2027-01-11T00:00:00+01:00", time_zone: "Europe/Berlin", limit: 200 };

export async function seedCalendarWeek(stack: FullStack): Promise<{ mcpToken: string; events: number }> {
  const alice = await new PersonClient({ app: stack.app } as ProvisioningStack, ALICE).connect();
  try {
    const create = async (args: Record<string, unknown>) => {
      let result = await alice.call("nc_calendar_create_event", args);
      const link = result.isError ? linkIn(textOf(result)) : undefined;
      if (link) {
        if ((await openProvisioningLink(link, ALICE)).outcome !== "provisioned") throw new Error("calendar provisioning failed");
        result = await alice.call("nc_calendar_create_event", args);
      }
      if (result.isError) throw new Error(`nc_calendar_create_event failed: ${textOf(result)}`);
    };
    await create({ title: "Daily stand-up", start: "2027-01-04T08:45:00", end: "2027-01-04T09:00:00", time_zone: "Europe/Berlin", rrule: "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" });
    for (let day = 0; day < 5; day++) {
      for (let slot = 0; slot < 9; slot++) {
        if (day === 0 && slot === 0) continue;
        const hour = String(9 + slot).padStart(2, "0");
        await create({ title: `Meeting ${day + 1}.${slot + 1}`, start: `2027-01-0${4 + day}T${hour}:00:00`, end: `2027-01-0${4 + day}T${hour}:45:00`, time_zone: "Europe/Berlin", location: `Room ${slot + 1}` });
      }
    }
    const listed = await alice.call("nc_calendar_list_events", CALENDAR_WEEK_ARGS);
    if (listed.isError) throw new Error(`nc_calendar_list_events failed: ${textOf(listed)}`);
    const events = (listed.structuredContent as { total: number }).total;
    return { mcpToken: alice.provider.tokens()!.access_token, events };
  } finally {
    await alice.close();
  }
}
