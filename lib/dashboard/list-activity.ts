/**
 * The person's audit log, newest first, a page at a time, optionally
 * filtered by client, tool and outcome. Only the person's own events
 * (userId = the signed-in `sub`). Audit rows never hold token values
 * (sanitize-audit-detail.ts); of the free-form detail only a few named,
 * short, scalar fields are shown.
 */
import { z } from "zod";
import { db } from "@/lib/db";

export const ACTIVITY_PAGE_SIZE = 20;
const OUTCOMES = ["success", "denied", "error"] as const;

export const activityFilterSchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  client: z.string().trim().min(1).max(2048).optional().catch(undefined),
  tool: z.string().trim().min(1).max(255).optional().catch(undefined),
  outcome: z.enum(OUTCOMES).optional().catch(undefined),
});

export type ActivityFilter = z.infer<typeof activityFilterSchema>;

export interface ActivityEvent {
  id: string;
  at: Date;
  event: string;
  outcome: string;
  clientId: string | null;
  clientName: string | null;
  tool: string | null;
  scopes: string[];
  /** e.g. why a call was refused; short scalar detail fields only. */
  notes: { key: string; value: string }[];
}

export interface ActivityPage {
  events: ActivityEvent[];
  page: number;
  pages: number;
  total: number;
  /** Filter choices drawn from the person's own history. */
  clients: { id: string; name: string }[];
  tools: string[];
}

const SHOWN_DETAIL = ["reason", "target", "by", "atIdp", "grants"] as const;

function notesOf(detail: unknown): ActivityEvent["notes"] {
  if (!detail || typeof detail !== "object" || Array.isArray(detail)) return [];
  const record = detail as Record<string, unknown>;
  return SHOWN_DETAIL.flatMap((key) => {
    const value = record[key];
    if (typeof value === "string" && value.length <= 120) return [{ key, value }];
    if (typeof value === "boolean" || typeof value === "number") return [{ key, value: String(value) }];
    return [];
  });
}

export async function listActivity(input: { userId: string; filter: ActivityFilter }): Promise<ActivityPage> {
  const { page, client, tool, outcome } = input.filter;
  const prisma = await db();
  const where = { userId: input.userId, ...(client ? { clientId: client } : {}), ...(tool ? { tool } : {}), ...(outcome ? { outcome } : {}) };
  const [total, rows, clientRows, toolRows] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], skip: (page - 1) * ACTIVITY_PAGE_SIZE, take: ACTIVITY_PAGE_SIZE }),
    prisma.auditEvent.findMany({ where: { userId: input.userId, clientId: { not: null } }, distinct: ["clientId"], select: { clientId: true }, take: 200 }),
    prisma.auditEvent.findMany({ where: { userId: input.userId, tool: { not: null } }, distinct: ["tool"], select: { tool: true }, take: 200 }),
  ]);
  const clientIds = [...new Set([...clientRows.map((r) => r.clientId!), ...rows.flatMap((r) => (r.clientId ? [r.clientId] : []))])];
  const names = new Map(
    (await prisma.clientRegistration.findMany({ where: { clientId: { in: clientIds } }, select: { clientId: true, name: true } })).map((r) => [r.clientId, r.name]),
  );
  return {
    events: rows.map((r) => ({
      id: r.id,
      at: r.at,
      event: r.event,
      outcome: r.outcome,
      clientId: r.clientId,
      clientName: r.clientId ? (names.get(r.clientId) ?? r.clientId) : null,
      tool: r.tool,
      scopes: r.scopes,
      notes: notesOf(r.detail),
    })),
    page,
    pages: Math.max(1, Math.ceil(total / ACTIVITY_PAGE_SIZE)),
    total,
    clients: clientRows.map((r) => ({ id: r.clientId!, name: names.get(r.clientId!) ?? r.clientId! })).sort((a, b) => a.name.localeCompare(b.name)),
    tools: toolRows.map((r) => r.tool!).sort(),
  };
}
