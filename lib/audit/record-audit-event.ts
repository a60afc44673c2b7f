/**
 * Appends an audit event: who (user, client), what (event, tool, scopes),
 * how it ended (outcome), and a sanitised detail. Never token values.
 *
 * Auditing must not break the action it records: a failure to write is
 * logged (without the detail) and swallowed, so callers simply await it.
 *
 * Group commit: while one write is running, the events recorded meanwhile
 * wait and then go to the database together in one INSERT (at most
 * MAX_BATCH rows). An idle server therefore writes each event at once, as a
 * single row; a busy one (one exchange_issued per tool call) pays one
 * statement per batch instead of one per call — on the embedded database the
 * statement, not the row, is the cost (docs/performance.md). The promise of
 * each event settles when its row is stored (or its failure logged), and the
 * event's time is taken when it is recorded, not when the batch is written.
 * If a batch is refused, its rows are written one by one, so one bad row
 * never costs the others.
 */
import { db, type Prisma } from "@/lib/db";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";
import { sanitizeAuditDetail } from "./sanitize-audit-detail";

export const AUDIT_EVENTS = ["provisioned", "scopes_added", "scopes_removed", "exchange_issued", "exchange_denied", "revoked", "guard_refused"] as const;
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

type AuditRow = Prisma.AuditEventCreateManyInput & { event: string; outcome: string };
type Pending = { row: AuditRow; settle: () => void };
type Writer = { queue: Pending[]; writing: boolean };

const writer = () => processWide<Writer>("audit-writer", () => ({ queue: [], writing: false }));

function failed(row: AuditRow, error: unknown): void {
  log.error("could not record an audit event", { event: row.event, outcome: row.outcome, reason: error instanceof Error ? error.message : String(error) });
}

/** One batch: a single row as such; several in one INSERT, or row by row if that is refused. */
async function writeBatch(batch: Pending[]): Promise<void> {
  const prisma = await db();
  if (batch.length === 1) {
    await prisma.auditEvent.create({ data: batch[0]!.row, select: { id: true } });
    return;
  }
  try {
    await prisma.auditEvent.createMany({ data: batch.map((p) => p.row) });
  } catch {
    for (const pending of batch) await prisma.auditEvent.create({ data: pending.row, select: { id: true } }).catch((error: unknown) => failed(pending.row, error));
  }
}

async function writeQueued(state: Writer): Promise<void> {
  state.writing = true;
  try {
    while (state.queue.length > 0) {
      const batch = state.queue.splice(0, MAX_BATCH);
      await writeBatch(batch).catch((error: unknown) => batch.forEach((pending) => failed(pending.row, error)));
      for (const pending of batch) pending.settle();
    }
  } finally {
    state.writing = false;
  }
}

export async function recordAuditEvent(input: AuditEventInput): Promise<void> {
  let row: AuditRow;
  try {
    if (!(AUDIT_EVENTS as readonly string[]).includes(input.event)) throw new Error(`unknown audit event ${String(input.event)}`);
    const scopes = [...new Set((input.scopes ?? []).filter((s): s is string => typeof s === "string" && s.length > 0 && s.length <= 100))].slice(0, MAX_SCOPES);
    const detail = sanitizeAuditDetail(input.detail);
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
  const stored = new Promise<void>((settle) => state.queue.push({ row, settle }));
  if (!state.writing) void writeQueued(state);
  await stored;
}
