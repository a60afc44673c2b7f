/**
 * `npm run bench:search` — what the search index costs (a benchmark, not a
 * test), in this process against the built-in IdP (lib code, real
 * oidc-provider over HTTP) and the Nextcloud sandbox, on PGlite or
 * PostgreSQL (--db):
 *
 *   sync     a first sync of N notes (default 1,000; --notes), a re-sync with
 *            nothing changed (pruneBefore: ids only), and one after 10 changed
 *   index    the index query of nc_search (ts_rank over the GIN index, user
 *            filter, ts_headline snippets) on 10,000 items of one user
 *            (--items; plus as many of another user's), p50/p99 of --queries
 *            queries per kind (rare word, common word, two words, no hit)
 *   nc_search end to end through the MCP server (in-memory SDK client):
 *            exchange, index query and verify on read of every hit against
 *            the sandbox (the 10 hits a query returns are real notes)
 *
 * The sandbox runs in this process (it shares the event loop with the
 * runner), so the sync numbers are an upper bound. Load average is printed
 * before and after; compare runs only at similar load.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { exitWithUsageIfAsked } from "./cli/help";
import { percentile } from "./bench/run-load";

exitWithUsageIfAsked(`Usage: npm run bench:search -- [--db pglite|postgres] [--notes 1000] [--items 10000] [--queries 200]
What the search index costs: a sync of N notes, and nc_search on 10,000 indexed items.`);
const { values } = parseArgs({ options: { db: { type: "string", default: "pglite" }, notes: { type: "string", default: "1000" }, items: { type: "string", default: "10000" }, queries: { type: "string", default: "200" } } });
process.env.TEST_DB = values.db === "postgres" ? "postgres" : "pglite";
const NOTES = Math.max(10, Number(values.notes));
const ITEMS = Math.max(NOTES, Number(values.items));
const QUERIES = Math.max(10, Number(values.queries));

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const ms = (n: number) => `${n.toFixed(1)} ms`;
const WORDS = "apple river mountain ledger orbit canvas harbor pepper meadow signal copper lantern velvet summit quartz willow ember falcon cedar tundra".split(" ");
const word = (i: number) => WORDS[i % WORDS.length]!;
const text = (seed: number, n: number) => Array.from({ length: n }, (_, k) => word((seed * 7 + k * 13) ^ k)).join(" ");

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function main(): Promise<void> {
  const { startInProcessIdp, connectInMemoryMcpClient } = await import("../tests/helpers/in-process-idp");
  const { freePort } = await import("../tests/helpers/ports");
  const { startSandbox } = await import("@/lib/sandbox/start-sandbox");
  const { getConfig } = await import("@/lib/config");
  const { createAccount } = await import("@/lib/accounts");
  const { recordHybridGrant } = await import("@/lib/idp/record-hybrid-grant");
  const { runBackgroundJob } = await import("@/lib/jobs/run-background-job");
  const { backgroundToken } = await import("@/lib/broker/background-token");
  const { createNote, updateNote, listNotes } = await import("@/lib/nextcloud/notes-client");
  const { runDueSyncJobs } = await import("@/lib/jobs/run-sync-jobs");
  const { db } = await import("@/lib/db");
  const { replaceDocuments, searchIndex } = await import("@/lib/search/index-store");

  console.log(`load average before: ${load()} (${os.cpus().length} cores), database: ${process.env.TEST_DB}`);
  const sandboxPort = await freePort();
  const idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false", SANDBOX_PORT: String(sandboxPort), ACCESS_TOKEN_TTL: "3600" });
  const sandbox = await startSandbox({ port: sandboxPort, issuer: getConfig().ISSUER, audience: "nextcloud" });
  try {
    const alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    await recordHybridGrant({ accountId: alice, clientId: "bench", scopes: ["notes.read", "notes.write"] });
    const token = await runBackgroundJob({ kind: "bench", userId: alice }, (job) => backgroundToken(job, ["notes.read", "notes.write"]));
    const connection = { token };
    console.log(`creating ${NOTES} notes in the sandbox …`);
    const ids: number[] = [];
    for (let i = 0; i < NOTES; i++) ids.push((await createNote(connection, { title: `Note ${i} ${word(i)}`, content: `zephyr${i % 100} ${text(i, 120)}`, category: i % 5 === 0 ? "Travel" : "" })).id);
    const prisma = await db();
    const due = () => prisma.syncJob.updateMany({ where: { userId: alice }, data: { nextRunAt: new Date(Date.now() - 1000) } });

    const [first, firstMs] = await timed(() => runDueSyncJobs({ holder: "bench", userId: alice }));
    await due();
    const [, unchangedMs] = await timed(() => runDueSyncJobs({ holder: "bench", userId: alice }));
    const listed = await listNotes(connection, { chunkSize: 10 });
    for (const n of listed.notes) await updateNote(connection, n.id, { content: `changed ${text(n.id, 50)}` });
    await due();
    const [, changedMs] = await timed(() => runDueSyncJobs({ holder: "bench", userId: alice }));
    if (first.failed > 0) throw new Error("the first sync failed");
    const indexed = await prisma.searchDocument.count({ where: { userId: alice } });

    // Fill the index to ITEMS for alice with file-like rows (a vocabulary the note queries do not hit), and as many for another user.
    const filler = (userId: string, n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => ({ itemId: `/bench/${offset + i}.md`, title: `${offset + i}.md`, body: `/bench/${offset + i}.md\n${text(offset + i, 150)}`, etag: `"${i}"`, lastModified: new Date() }));
    await prisma.$transaction((tx) => replaceDocuments(tx, alice, "files", filler(alice, ITEMS - indexed, 0), []), { timeout: 600_000 });
    await prisma.$transaction((tx) => replaceDocuments(tx, "someone-else", "files", filler("someone-else", ITEMS, 0), []), { timeout: 600_000 });
    await prisma.$executeRawUnsafe("ANALYZE search_documents");
    const total = await prisma.searchDocument.count({ where: { userId: alice } });

    const kinds: Record<string, string> = { "rare word": "zephyr42", "common word": "harbor", "two words": "harbor ledger", "no hit": "xylophone" };
    const indexRows: string[] = [];
    for (const [label, query] of Object.entries(kinds)) {
      const latencies: number[] = [];
      let hits = 0;
      for (let i = 0; i < QUERIES; i++) {
        const [found, took] = await timed(() => searchIndex(alice, ["notes", "files"], query, 20));
        latencies.push(took);
        hits = found.length;
      }
      latencies.sort((a, b) => a - b);
      indexRows.push(`  ${label.padEnd(12)} "${query}": p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))} (${hits} hits returned)`);
    }

    // End to end: the MCP tool with exchange and verify on read (10 hits, every one a real note).
    const client = await connectInMemoryMcpClient(idp, { accountId: alice, scopes: ["notes.read"], name: "bench-search" });
    const e2e: number[] = [];
    for (let i = 0; i < Math.min(QUERIES, 100); i++) {
      const [result, took] = await timed(() => client.callTool({ name: "nc_search", arguments: { query: `zephyr${i % 100}`, limit: 10 } }));
      if (result.isError) throw new Error(`nc_search failed: ${JSON.stringify(result.content)}`);
      e2e.push(took);
    }
    e2e.sort((a, b) => a - b);
    await client.close();

    console.log(`\nsync of ${NOTES} notes (notes.read background token, sandbox in-process):`);
    console.log(`  first sync: ${ms(firstMs)} (${indexed} notes indexed)`);
    console.log(`  re-sync, nothing changed: ${ms(unchangedMs)}`);
    console.log(`  re-sync, 10 notes changed: ${ms(changedMs)}`);
    console.log(`\nindex query of nc_search on ${total} items of one user (+${ITEMS} of another), ${QUERIES} queries each, limit 20:`);
    console.log(indexRows.join("\n"));
    console.log(`\nnc_search end to end (MCP in-memory, exchange + verify on read of 10 hits each), ${e2e.length} calls: p50 ${ms(percentile(e2e, 50))}, p99 ${ms(percentile(e2e, 99))}`);
    console.log(`\nload average after: ${load()}`);
  } finally {
    await sandbox.close();
    await idp.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
