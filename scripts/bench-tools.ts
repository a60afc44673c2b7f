/**
 * `npm run bench:tools` — what the notes and files tools cost end-to-end (a
 * benchmark, not a test), in one run against the production build
 * (NEXT_DIST_DIR honoured), the built-in IdP and the Nextcloud sandbox, with
 * a provisioned user:
 *
 *   tools/call nc_notes_get              vs  GET  /index.php/apps/notes/api/v1/notes/{id}
 *   tools/call nc_webdav_list_directory  vs  PROPFIND /remote.php/dav/files/{user}/ (depth 1)
 *
 * The right-hand side is the floor: the same sandbox request made directly
 * with a pre-obtained (exchanged) Nextcloud token. Each pair runs at
 * concurrency 1 and 16 for a fixed time, driven by the same fetch loop on
 * both sides (autocannon cannot send PROPFIND); reported: p50/p99 latency,
 * requests/s, and the p50 ratio end-to-end / floor (goal: ≤ 1.5×).
 * Options: --duration S per run (default 5), --db pglite|postgres,
 * --exchange-cache off|memory (EXCHANGE_CACHE of the app, default off).
 */
import { parseArgs } from "node:util";
import { runFetchLoad, type LoadResult, type LoadTarget } from "./bench/run-load";
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run bench:tools -- [--duration 5] [--db pglite|postgres] [--exchange-cache on|off]
What the notes and files tools cost end to end (production build needed: \`npm run build\`).`);
const { values } = parseArgs({ options: { duration: { type: "string", default: "5" }, db: { type: "string", default: "pglite" }, "exchange-cache": { type: "string", default: "off" } } });
const DURATION = Math.max(1, Number(values.duration));
process.env.TEST_DB = values.db === "postgres" ? "postgres" : "pglite";
const CACHE = values["exchange-cache"] === "memory" ? "memory" : "off";

type Target = LoadTarget;

// The shared fetch-driven loop (autocannon cannot send PROPFIND); a tool error result fails the run.
const load = (target: Target, connections: number, seconds: number): Promise<LoadResult> =>
  runFetchLoad({ ...target, verifyBody: (text) => !text.includes('"isError":true') }, { connections, seconds });

const PROPFIND_BODY = (await import("@/lib/nextcloud/parse-multistatus")).PROPFIND_BODY;

async function main(): Promise<void> {
  const { ALICE, openProvisioningLink, PersonClient, startProvisioningStack, textOf } = await import("../tests/helpers/provisioning-stack");
  const { SERVER_CLIENT_SECRET } = await import("../tests/helpers/idp-app");
  console.log(`starting the app (production build, EXCHANGE_CACHE=${CACHE}), the built-in IdP and the sandbox on ${process.env.TEST_DB} …`);
  const stack = await startProvisioningStack({ EXCHANGE_CACHE: CACHE });
  try {
    const alice = await new PersonClient(stack, ALICE).connect();
    const scopes = ["notes.read", "notes.write", "files.read", "files.write"];
    const asked = await alice.call("provision_nextcloud_access", { scopes });
    const link = (asked.structuredContent as { provisioning_url?: string } | undefined)?.provisioning_url;
    if (!link || (await openProvisioningLink(link, ALICE)).outcome !== "provisioned") throw new Error(`provisioning failed: ${textOf(asked)}`);
    const created = await alice.call("nc_notes_create", { title: "Bench", content: "benchmark note\n".repeat(20) });
    if (created.isError) throw new Error(`nc_notes_create failed: ${textOf(created)}`);
    const noteId = (created.structuredContent as { id: number }).id;
    // Each step-up gives the client a token with the scopes the last tool asked for: keep one per tool.
    if ((await alice.call("nc_notes_get", { id: noteId })).isError) throw new Error("nc_notes_get failed");
    const notesMcpToken = alice.provider.tokens()!.access_token;
    for (let i = 0; i < 10; i++) await alice.call("nc_webdav_write_file", { path: `/file-${i}.txt`, content: `file ${i}` });
    const listing = await alice.call("nc_webdav_list_directory", { path: "/" });
    if (listing.isError) throw new Error(`nc_webdav_list_directory failed: ${textOf(listing)}`);
    const filesMcpToken = alice.provider.tokens()!.access_token;
    await alice.close();

    const exchange = async (subject: string, scope: string) => {
      const res = await fetch(`${stack.app.url}/api/oidc/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token: subject, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", audience: "nextcloud", scope }),
      });
      if (res.status !== 200) throw new Error(`exchange: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const notesToken = await exchange(notesMcpToken, "notes.read");
    const filesToken = await exchange(filesMcpToken, "files.read");

    // The files URL needs Nextcloud's user id (the sandbox derives it from the token's sub): ask WebDAV, as the client does.
    const principal = await fetch(`${stack.sandbox.url}/remote.php/dav/`, { method: "PROPFIND", headers: { authorization: `Bearer ${filesToken}`, depth: "0" } });
    const { userIdFromPrincipal } = await import("@/lib/nextcloud/resolve-dav-user");
    const userId = userIdFromPrincipal(/<d:href>([^<]*principals[^<]*)<\/d:href>/.exec(await principal.text())?.[1] ?? "");
    if (!userId) throw new Error("the sandbox did not name the current user");

    const toolCall = (mcpToken: string, name: string, args: Record<string, unknown>): Target => ({
      url: `${stack.app.url}/api/mcp`,
      method: "POST",
      headers: { authorization: `Bearer ${mcpToken}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
    });
    const pairs: { name: string; tool: Target; floor: Target }[] = [
      {
        name: "nc_notes_get",
        tool: toolCall(notesMcpToken, "nc_notes_get", { id: noteId }),
        floor: { url: `${stack.sandbox.url}/index.php/apps/notes/api/v1/notes/${noteId}`, method: "GET", headers: { authorization: `Bearer ${notesToken}`, accept: "application/json" } },
      },
      {
        name: "nc_webdav_list_directory",
        tool: toolCall(filesMcpToken, "nc_webdav_list_directory", { path: "/" }),
        floor: {
          url: `${stack.sandbox.url}/remote.php/dav/files/${encodeURIComponent(userId)}/`,
          method: "PROPFIND",
          headers: { authorization: `Bearer ${filesToken}`, depth: "1", "content-type": "application/xml; charset=utf-8" },
          body: PROPFIND_BODY,
        },
      },
    ];

    const lines: string[] = [];
    const cell = (r: LoadResult) => `p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  ${Math.round(r.rps).toString().padStart(5)} req/s`;
    for (const pair of pairs) {
      for (const connections of [1, 16]) {
        await load(pair.tool, connections, 1); // warm-up (JIT, connections, caches)
        await load(pair.floor, connections, 1);
        const tool = await load(pair.tool, connections, DURATION);
        const floor = await load(pair.floor, connections, DURATION);
        lines.push(`${pair.name.padEnd(26)} c=${String(connections).padEnd(3)} end-to-end ${cell(tool)} | floor ${cell(floor)} | p50 ratio ${(tool.p50 / floor.p50).toFixed(1)}×`);
      }
    }
    console.log(`\n${DURATION} s per run, ${process.env.TEST_DB}, EXCHANGE_CACHE=${CACHE} \n`);
    for (const line of lines) console.log(line);
    console.log("\ngoal: end-to-end ≤ 1.5× the floor at p50");
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
