import { describe, expect, it } from "vitest";
import { MigrationError, planMigrations, type Migration } from "@/lib/db/migrate";

const m = (name: string, checksum = `sum-${name}`): Migration => ({ name, sql: "", checksum });
const row = (name: string, extra: Partial<{ checksum: string; finished_at: string | null; rolled_back_at: string | null }> = {}) => ({
  migration_name: name,
  checksum: `sum-${name}`,
  finished_at: "2026-01-01T00:00:00Z",
  rolled_back_at: null,
  ...extra,
});

describe("planMigrations", () => {
  it("applies everything on an empty database, in order", () => {
    expect(planMigrations([m("1_a"), m("2_b")], []).map((x) => x.name)).toEqual(["1_a", "2_b"]);
  });

  it("applies only what is pending", () => {
    expect(planMigrations([m("1_a"), m("2_b")], [row("1_a")]).map((x) => x.name)).toEqual(["2_b"]);
  });

  it("refuses a database that is ahead of the code", () => {
    expect(() => planMigrations([m("1_a")], [row("1_a"), row("2_future")])).toThrow(/ahead of this version.*2_future/);
  });

  it("refuses a migration that changed after it was applied", () => {
    expect(() => planMigrations([m("1_a", "new")], [row("1_a")])).toThrow(MigrationError);
  });

  it("refuses to continue after an unfinished migration", () => {
    expect(() => planMigrations([m("1_a")], [row("1_a", { finished_at: null })])).toThrow(/never finished/);
  });

  it("ignores rolled-back rows", () => {
    expect(planMigrations([m("1_a")], [row("1_a", { finished_at: null, rolled_back_at: "2026-01-01" })]).map((x) => x.name)).toEqual(["1_a"]);
  });
});
