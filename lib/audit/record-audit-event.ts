/**
 * Appends an audit event: who (user, client), what (event, tool, scopes),
 * how it ended (outcome), and a sanitised detail. Never token values.
 *
 * Auditing must not break the action it records: a failure to write is
 * logged (without the detail) and swallowed, so callers simply await it.
 *
 * Group commit: an event waits at most LINGER_MS for others (or until
 * MAX_BATCH are queued), and while one write is running, the events recorded
 * meanwhile wait for it; then they go to the database together in one INSERT
 * (at most MAX_BATCH rows). A server making one tool call after another (one
 * exchange_issued each, a few milliseconds apart) thus pays one statement per
 * batch instead of one per call — on the embedded database the statement,
 * not the row, is the cost, and it runs on the request thread
 * (docs/performance.md); a lone event is stored LINGER_MS later. The promise of
 * each event settles when its row is stored (or its failure logged), and the
 * event's time is taken when it is recorded, not when the batch is written.
 * If a batch is refused, its rows are written one by one, so one bad row
 * never costs the others.
 *
 * Bounded: at most MAX_QUEUED events wait. While the database is slow or
 * gone, a busy server would otherwise pile up events (and their callers'
 * promises) until it runs out of memory. Beyond the bound the *newest*
 * events are dropped, settled at once: the queue is written from its head,
 * so keeping it intact keeps the record gap-free from the start of the
 * trouble (the first denials and revocations, usually the interesting part)
 * with one gap at its end, and costs nothing per drop. Drops are counted
 * (auditQueueStats) and reported in one warning per DROP_WARNING_MS with the
 * count per event name, never a row's content. flushAuditEvents waits for
 * the queue to empty, bounded by a timeout; the server calls it on SIGTERM /
 * SIGINT (lib/server/start-server.ts).
 *
 * Each event belongs to the database that was open when it was recorded (or
 * the one its recording opened), and is written there or nowhere: if that
 * database was closed (or replaced) before the row went out, the row is
 * logged as not recorded instead of opening the database again. Without this
 * an event recorded just before a close reopened the database after it, with
 * whatever configuration the process had by then, and that stray handle was
 * what the next opener got (a second test database in one worker found the
 * first one's data; its rows went there).
 */
import { randomUUID } from "node:crypto";
import { currentDatabase, getDatabase, type Database } from "@/lib/db";
import { log } from "@/lib/log";
import { recordAuditMetric } from "@/lib/metrics/record";
import { processWide } from "@/lib/process-wide";
import { sanitizeAuditDetail } from "./sanitize-audit-detail";

export const AUDIT_EVENTS = ["provisioned", "scopes_added", "scopes_removed", "exchange_issued", "exchange_denied", "revoked", "guard_refused", "account_changed"] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** success: it happened; denied: policy said no; error: something failed. */
export type AuditOutcome = "success" | "denied" | "error";

export interface AuditEventInput {
  event: AuditEventName;
  outcome: AuditOutcome;
  userId?: string | null;
  clientId?: string | null;
  tool?: string | null;
  scopes?: readonly string[];
  detail?: Record<string, unknown>;
}

const MAX_FIELD = 255;
const MAX_CLIENT_ID = 2048; // CIMD client ids are URLs
const MAX_SCOPES = 50;

const field = (value: string | null | undefined, max = MAX_FIELD) => (typeof value === "string" && value.length > 0 ? value.slice(0, max) : null);

export const MAX_BATCH = 200;
/** How long a recorded event waits for others before its batch is written. */
export const LINGER_MS = 20;
export const MAX_QUEUED = 10_000;
const DROP_WARNING_MS = 1_000;

/** One row of audit_events (the AuditEvent model), as the INSERT below writes it. */
type AuditRow = { at: Date; event: string; outcome: string; userId: string | null; clientId: string | null; tool: string | null; scopes: string[]; detail?: unknown };
/** `database`: the process's database when the event was recorded (lib/db's process-wide handle). */
type Pending = { row: AuditRow; database: Promise<Database>; settle: () => void; stored: Promise<void> };
type Writer = {
  queue: Pending[];
  /** The batch being written, until it is settled. */
  inFlight: Pending[];
  writing: boolean;
  dropped: number;
  /** Drops not reported yet, per event name. */
  unreported: Map<string, number>;
  warning: NodeJS.Timeout | undefined;
  /** The timer that writes the queue LINGER_MS after its first event. */
  linger: NodeJS.Timeout | undefined;
};

const writer = () =>
  processWide<Writer>("audit-writer", () => ({ queue: [], inFlight: [], writing: false, dropped: 0, unreported: new Map(), warning: undefined, linger: undefined }));

/** Events waiting to be written (the batch being written not included), and events dropped since start. */
export function auditQueueStats(): { queued: number; dropped: number } {
  const state = writer();
  return { queued: state.queue.length, dropped: state.dropped };
}

function drop(state: Writer, event: string): void {
  state.dropped++;
  state.unreported.set(event, (state.unreported.get(event) ?? 0) + 1);
  if (state.warning) return;
  state.warning = setTimeout(() => {
    state.warning = undefined;
    const byEvent = Object.fromEntries(state.unreported);
    const dropped = [...state.unreported.values()].reduce((a, b) => a + b, 0);
    state.unreported.clear();
    log.warn("audit events dropped: the audit queue is full (the database is slow or unreachable)", { dropped, byEvent, queueLimit: MAX_QUEUED, droppedSinceStart: state.dropped });
  }, DROP_WARNING_MS);
  state.warning.unref();
}

function failed(row: AuditRow, error: unknown): void {
  log.error("could not record an audit event", { event: row.event, outcome: row.outcome, reason: error instanceof Error ? error.message : String(error) });
}

/**
 * One INSERT of `rows`, in SQL written here and sent to the driver directly
 * (Database.execute), not through Prisma: Prisma 6 compiles every statement,
 * a raw one too, in its WebAssembly query compiler on the request thread,
 * and that was a fifth of an in-process token exchange's CPU
 * (docs/performance.md). The columns are those of the AuditEvent model
 * (prisma/schema.prisma, table audit_events); `id` is made here as the
 * model's @default(uuid()) would; `at` goes as UTC wall time into the
 * TIMESTAMP(3) column, as Prisma stores DateTime. Every value is a bound
 * parameter ($n), never text in the statement.
 */
const COLUMNS = 9;
async function insertRows(database: Database, rows: readonly AuditRow[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((r, i) => {
    params.push(randomUUID(), r.at.toISOString().slice(0, -1), r.event, r.outcome, r.userId, r.clientId, r.tool, r.scopes, r.detail === undefined ? null : JSON.stringify(r.detail));
    const n = i * COLUMNS;
    return `($${n + 1}, $${n + 2}::timestamp(3), $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}::text[], $${n + 9}::text::jsonb)`;
  });
  await database.execute(`INSERT INTO "audit_events" ("id", "at", "event", "outcome", "user_id", "client_id", "tool", "scopes", "detail") VALUES ${tuples.join(", ")}`, params);
}

/** The events at the head of the queue that belong to the same database as the first, at most MAX_BATCH. */
function nextBatch(queue: Pending[]): Pending[] {
  let n = 1;
  while (n < queue.length && n < MAX_BATCH && queue[n]!.database === queue[0]!.database) n++;
  return queue.splice(0, n);
}

/** One batch (one database) in one INSERT, or row by row if that is refused (one bad row costs only itself). */
async function writeBatch(batch: Pending[]): Promise<void> {
  const recordedFor = batch[0]!.database;
  const database = await recordedFor;
  // Closed (or replaced) since these events were recorded: never written anywhere else.
  if (currentDatabase() !== recordedFor) throw new Error("the database these events were recorded for was closed before they were written");
  try {
    await insertRows(database, batch.map((p) => p.row));
  } catch (error) {
    if (batch.length === 1) throw error;
    for (const pending of batch) await insertRows(database, [pending.row]).catch((error: unknown) => failed(pending.row, error));
  }
}

async function writeQueued(state: Writer): Promise<void> {
  clearTimeout(state.linger);
  state.linger = undefined;
  state.writing = true;
  try {
    while (state.queue.length > 0) {
      const batch = nextBatch(state.queue);
      state.inFlight = batch;
      await writeBatch(batch).catch((error: unknown) => batch.forEach((pending) => failed(pending.row, error)));
      state.inFlight = [];
      for (const pending of batch) pending.settle();
    }
  } finally {
    state.writing = false;
  }
}

/**
 * Waits until every event recorded so far (and any recorded meanwhile) is
 * written or its failure logged; false when `timeoutMs` passed first.
 */
export async function flushAuditEvents(timeoutMs = 5_000): Promise<boolean> {
  const state = writer();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    while (state.writing || state.queue.length > 0) {
      if (!state.writing) void writeQueued(state);
      const waiting = [...state.inFlight, ...state.queue].map((p) => p.stored);
      if ((await Promise.race([Promise.all(waiting).then(() => true as const), timedOut])) === false) return false;
    }
    return true;
  } finally {
    clearTimeout(timer);
  }
}

export async function recordAuditEvent(input: AuditEventInput): Promise<void> {
  let row: AuditRow;
  try {
    if (!(AUDIT_EVENTS as readonly string[]).includes(input.event)) throw new Error(`unknown audit event ${String(input.event)}`);
    const scopes = [...new Set((input.scopes ?? []).filter((s): s is string => typeof s === "string" && s.length > 0 && s.length <= 100))].slice(0, MAX_SCOPES);
    const detail = sanitizeAuditDetail(input.detail);
    recordAuditMetric(input.event, input.outcome);
    row = {
      at: new Date(),
      event: input.event,
      outcome: input.outcome,
      userId: field(input.userId),
      clientId: field(input.clientId, MAX_CLIENT_ID),
      tool: field(input.tool),
      scopes,
      ...(detail ? { detail } : {}),
    };
  } catch (error) {
    log.error("could not record an audit event", { event: input.event, outcome: input.outcome, reason: (error as Error).message });
    return;
  }
  const state = writer();
  if (state.queue.length >= MAX_QUEUED) return drop(state, row.event);
  // The current database (opened now if none is: a failure to open is the write's failure, logged then).
  const database = getDatabase();
  database.catch(() => {});
  let settle!: () => void;
  const stored = new Promise<void>((resolve) => (settle = resolve));
  state.queue.push({ row, database, settle, stored });
  // A running write takes the queue when it is done; otherwise a full batch goes at once, a smaller one after LINGER_MS.
  if (!state.writing) {
    if (state.queue.length >= MAX_BATCH) void writeQueued(state);
    else state.linger ??= setTimeout(() => void writeQueued(state), LINGER_MS);
  }
  await stored;
}
