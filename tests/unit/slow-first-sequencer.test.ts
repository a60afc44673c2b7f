/**
 * The test file order (tests/helpers/slow-first-sequencer.ts): the listed
 * slow files first, slowest first, each project's files together; with
 * --sequence.shuffle a seeded shuffle within each project. And the list names
 * files that exist (a renamed file would silently lose its head start).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TestSpecification, Vitest } from "vitest/node";
import SlowFirstSequencer, { SLOW_FILES } from "../helpers/slow-first-sequencer";

const root = path.resolve(import.meta.dirname, "..", "..");

function spec(project: string, file: string): TestSpecification {
  return { moduleId: path.join(root, file), project: { name: project, config: { sequence: { groupOrder: 0 }, isolate: false } } } as unknown as TestSpecification;
}

function sequencer(sequence: { shuffle?: boolean; seed?: number } = {}, cliShuffle?: { files?: boolean }) {
  const ctx = { config: { root, sequence }, cache: { getFileTestResults: () => undefined, getFileStats: () => undefined }, _cliOptions: { sequence: { shuffle: cliShuffle } } };
  return new SlowFirstSequencer(ctx as unknown as Vitest);
}

const names = (files: TestSpecification[]) => files.map((f) => `${f.project.name}:${path.relative(root, f.moduleId)}`);

const files = [
  spec("integration-postgres", "tests/integration/accounts-cli.test.ts"),
  spec("integration-pglite", "tests/integration/app.test.ts"),
  spec("integration-pglite", "tests/integration/accounts-cli.test.ts"),
  spec("integration-pglite", "tests/integration/dev-server-restart.test.ts"),
  spec("integration-postgres", "tests/integration/app.test.ts"),
  spec("integration-pglite", "tests/integration/zz-unlisted.test.ts"),
];

describe("slow-first test file order", () => {
  it("lists files that exist", () => {
    for (const file of Object.keys(SLOW_FILES)) expect(existsSync(path.join(root, file)), file).toBe(true);
  });

  it("starts each project with its listed files, slowest first, and keeps the projects apart", async () => {
    expect(names(await sequencer().sort(files))).toEqual([
      "integration-pglite:tests/integration/dev-server-restart.test.ts",
      "integration-pglite:tests/integration/accounts-cli.test.ts",
      "integration-pglite:tests/integration/app.test.ts",
      "integration-pglite:tests/integration/zz-unlisted.test.ts",
      "integration-postgres:tests/integration/accounts-cli.test.ts",
      "integration-postgres:tests/integration/app.test.ts",
    ]);
  });

  it("shuffles within each project by the seed, the same order for the same seed", async () => {
    const a = names(await sequencer({ shuffle: true, seed: 7 }).sort(files));
    expect(a).toEqual(names(await sequencer({ shuffle: true, seed: 7 }).sort(files)));
    expect(a.slice(0, 4).every((n) => n.startsWith("integration-pglite:"))).toBe(true);
    expect(new Set(a)).toEqual(new Set(names(files)));
    const orders = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) orders.add(names(await sequencer({ shuffle: true, seed }).sort(files)).join());
    expect(orders.size).toBeGreaterThan(5);
  });

  it("shuffles the files only with --sequence.shuffle.files (vitest keeps only the tests flag in its config)", async () => {
    const slowFirst = names(await sequencer().sort(files));
    const shuffled = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) shuffled.add(names(await sequencer({ seed }, { files: true }).sort(files)).join());
    expect([...shuffled].some((order) => order !== slowFirst.join())).toBe(true);
    expect(names(await sequencer({ seed: 3 }, { files: false }).sort(files))).toEqual(slowFirst);
  });
});
