/**
 * Appends an audit event: who (user, client), what (event, tool, scopes),
 * how it ended (outcome), and a sanitised detail. Never token values.
 *
 * Auditing must not break the action it records: a failure to write is
 * logged (without the detail) and swallowed, so callers simply await it.
 */
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { sanitizeAuditDetail } from "./sanitize-audit-detail";

export const AUDIT_EVENTS = ["provisioned", "scopes_added", "exchange_issued", "exchange_denied", "revoked", "guard_refused"] as const;
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

export async function recordAuditEvent(input: AuditEventInput): Promise<void> {
  try {
    if (!(AUDIT_EVENTS as readonly string[]).includes(input.event)) throw new Error(`unknown audit event ${String(input.event)}`);
    const scopes = [...new Set((input.scopes ?? []).filter((s): s is string => typeof s === "string" && s.length > 0 && s.length <= 100))].slice(0, MAX_SCOPES);
    const detail = sanitizeAuditDetail(input.detail);
    await (
      await db()
    ).auditEvent.create({
      data: {
        event: input.event,
        outcome: input.outcome,
        userId: field(input.userId),
        clientId: field(input.clientId, MAX_CLIENT_ID),
        tool: field(input.tool),
        scopes,
        ...(detail ? { detail } : {}),
      },
    });
  } catch (error) {
    log.error("could not record an audit event", { event: input.event, outcome: input.outcome, reason: (error as Error).message });
  }
}
