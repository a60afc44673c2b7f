/**
 * Test file order (vitest.config.ts sequence.sequencer): the files known to
 * be slow start first, slowest first, so that no minute-long file starts last
 * and runs alone while the other worker idles. Vitest's own order does that
 * only from its duration cache (node_modules/.vite/vitest), which a clean
 * clone (CI) does not have; without it, it runs the largest files first, and
 * size says little here (dev-server-restart, the slowest, is a small file that
 * builds and restarts a dev server).
 *
 * SLOW_FILES: seconds per file in an idle full run (2026-12-07, `npm test`,
 * vitest JSON report; the larger of the two databases' durations). Update it
 * when a file becomes much slower or faster; a file missing from it only
 * loses its head start. Files not listed keep vitest's order after the listed
 * ones (failed first, then longest first by the cache, then unknown and
 * largest first).
 *
 * Projects stay one after the other, as in vitest's order: with isolate false
 * a worker keeps its modules only while it serves one project.
 *
 * `--sequence.shuffle.files` (or `--sequence.shuffle`, which shuffles the
 * tests inside each file too, and many files here run their tests in order
 * on purpose) shuffles each project's files by the run's seed instead
 * (vitest's own file shuffling applies only to its built-in sequencers, and
 * it mixes projects), so shuffled runs still check that files do not depend
 * on their order; `--sequence.seed=N` repeats an order.
 */
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

export const SLOW_FILES: Record<string, number> = {
  "tests/integration/dev-server-restart.test.ts": 55.7,
  "tests/integration/accounts-cli.test.ts": 45.6,
  "tests/integration/app-password-browser.test.ts": 43.4,
  "tests/integration/accounts-cli-manage.test.ts": 29.3,
  "tests/integration/idp-registration.test.ts": 28.2,
  "tests/integration/idp-persistence.test.ts": 26.5,
  "tests/integration/keys-rotate.test.ts": 22.2,
  "tests/integration/keys-rotate-signing-cli.test.ts": 17.7,
  "tests/integration/operator-cli.test.ts": 17.6,
  "tests/integration/model-path.test.ts": 17.6,
  "tests/integration/mcp-deck-sharing-tools.test.ts": 17.3,
  "tests/integration/mcp-calendar-tools.test.ts": 16.8,
  "tests/integration/forwarded-headers.test.ts": 16.1,
  "tests/unit/db/directory-lock.test.ts": 14.9,
  "tests/integration/accounts-authenticate.test.ts": 14.8,
  "tests/integration/accounts-demo.test.ts": 13.4,
  "tests/integration/grant-cache-two-instances.test.ts": 13.2,
  "tests/integration/doctor.test.ts": 13.0,
  "tests/integration/migrations.test.ts": 11.5,
  "tests/integration/mcp-nextcloud-tools.test.ts": 11.3,
};

/** Mulberry32: a small seeded generator, so a shuffled order can be run again with `--sequence.seed`. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `files` cut into runs of one project each, in their order (vitest's order keeps a project's files together). */
function byProject(files: TestSpecification[]): TestSpecification[][] {
  const groups: TestSpecification[][] = [];
  for (const file of files) {
    const last = groups.at(-1);
    if (last && last[0]!.project.name === file.project.name) last.push(file);
    else groups.push([file]);
  }
  return groups;
}

export default class SlowFirstSequencer extends BaseSequencer {
  /**
   * `--sequence.shuffle` (files and tests) or `--sequence.shuffle.files` (files only: many files
   * here run their tests in order on purpose). Vitest's resolved config keeps only the tests flag
   * once a custom sequencer is set, so the files flag is read from the command line's options.
   */
  private shuffleFiles(): boolean {
    if (this.ctx.config.sequence.shuffle) return true;
    const cli = (this.ctx as unknown as { _cliOptions?: { sequence?: { shuffle?: boolean | { files?: boolean } } } })._cliOptions;
    const requested = cli?.sequence?.shuffle;
    return typeof requested === "object" && requested.files === true;
  }

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // vitest's order first: projects one after the other (a worker that shares its modules between
    // files serves one project), failed files first, then by the duration cache.
    const groups = byProject(await super.sort(files));
    if (this.shuffleFiles()) {
      const { seed } = this.ctx.config.sequence;
      const random = seeded(seed ?? Date.now());
      return groups.flatMap((group) => {
        const shuffled = [...group];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        return shuffled;
      });
    }
    const seconds = (file: TestSpecification) => SLOW_FILES[path.relative(this.ctx.config.root, file.moduleId).split(path.sep).join("/")];
    return groups.flatMap((group) => [
      ...group.filter((f) => seconds(f) !== undefined).sort((a, b) => seconds(b)! - seconds(a)!),
      ...group.filter((f) => seconds(f) === undefined),
    ]);
  }
}
