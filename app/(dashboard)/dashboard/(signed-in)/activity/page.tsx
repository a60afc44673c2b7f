/**
 * Activity: the person's audit log, newest first, 20 per page, filtered by
 * client, tool and outcome (a plain GET form: the filters live in the URL).
 * Audit rows never contain token values.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/app/_components/page-shell";
import { activityFilterSchema, listActivity, type ActivityFilter } from "@/lib/dashboard/list-activity";
import { requireUser } from "@/lib/dashboard/session";
import { EmptyState, PageTitle, Time } from "../../../_components/display";

export const metadata: Metadata = { title: "Activity" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const EVENT_LABEL: Record<string, string> = {
  provisioned: "Nextcloud access granted",
  scopes_added: "Nextcloud scopes added",
  scopes_removed: "Scopes removed",
  exchange_issued: "Tool call authorized",
  exchange_denied: "Tool call refused by the IdP",
  revoked: "Access revoked",
  guard_refused: "Tool asked for Nextcloud access",
  account_changed: "Account changed by an administrator",
};

const OUTCOME_STYLE: Record<string, string> = {
  success: "bg-green-100 text-green-900",
  denied: "bg-amber-100 text-amber-900",
  error: "bg-red-100 text-red-800",
};

function pageHref(filter: ActivityFilter, page: number): string {
  const params = new URLSearchParams();
  if (filter.client) params.set("client", filter.client);
  if (filter.tool) params.set("tool", filter.tool);
  if (filter.outcome) params.set("outcome", filter.outcome);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return `/dashboard/activity${query ? `?${query}` : ""}`;
}

const selectClass = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm";

export default async function ActivityPage({ searchParams }: Props) {
  const user = await requireUser("/dashboard/activity");
  const raw = await searchParams;
  const filter = activityFilterSchema.parse({ page: raw.page, client: raw.client, tool: raw.tool, outcome: raw.outcome });
  const activity = await listActivity({ userId: user.id, filter });
  const filtered = Boolean(filter.client || filter.tool || filter.outcome);
  return (
    <>
      <PageTitle title="Activity">What happened on your behalf: Nextcloud access granted and revoked, tool calls authorized and refused. Token values are never recorded.</PageTitle>
      <Card className="mb-6">
        <form method="get" action="/dashboard/activity" className="grid gap-4 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end">
          <label className="text-sm font-medium">
            Client
            <select name="client" defaultValue={filter.client ?? ""} className={selectClass}>
              <option value="">All clients</option>
              {activity.clients.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm font-medium">
            Tool
            <select name="tool" defaultValue={filter.tool ?? ""} className={selectClass}>
              <option value="">All tools</option>
              {activity.tools.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm font-medium">
            Outcome
            <select name="outcome" defaultValue={filter.outcome ?? ""} className={selectClass}>
              <option value="">All outcomes</option>
              <option value="success">Success</option>
              <option value="denied">Denied</option>
              <option value="error">Error</option>
            </select>
          </label>
          <button type="submit" className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
            Filter
          </button>
        </form>
      </Card>

      {activity.events.length === 0 ? (
        <EmptyState title={filtered ? "Nothing matches these filters" : "No activity yet"}>
          {filtered ? <Link href="/dashboard/activity" className="font-medium text-brand-700 underline">Show all activity</Link> : "Tool calls and access changes will be listed here."}
        </EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm" role="region" aria-label="Activity log" tabIndex={0}>
            <table className="w-full min-w-[40rem] text-left text-sm" data-testid="activity">
              <caption className="sr-only">Your activity, newest first</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">When</th>
                  <th scope="col" className="px-4 py-2 font-medium">What</th>
                  <th scope="col" className="px-4 py-2 font-medium">Client</th>
                  <th scope="col" className="px-4 py-2 font-medium">Tool</th>
                  <th scope="col" className="px-4 py-2 font-medium">Scopes</th>
                  <th scope="col" className="px-4 py-2 font-medium">Outcome</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {activity.events.map((e) => (
                  <tr key={e.id} data-event={e.event} data-outcome={e.outcome}>
                    <td className="whitespace-nowrap px-4 py-2">
                      <Time value={e.at} />
                    </td>
                    <td className="px-4 py-2">
                      {EVENT_LABEL[e.event] ?? e.event}
                      {e.notes.length > 0 ? <span className="block text-xs text-slate-500">{e.notes.map((n) => `${n.key}: ${n.value}`).join(", ")}</span> : null}
                    </td>
                    <td className="break-all px-4 py-2">{e.clientName ?? "—"}</td>
                    <td className="px-4 py-2">{e.tool ? <code className="text-xs">{e.tool}</code> : "—"}</td>
                    <td className="px-4 py-2 text-xs">{e.scopes.length > 0 ? e.scopes.join(" ") : "—"}</td>
                    <td className="px-4 py-2">
                      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${OUTCOME_STYLE[e.outcome] ?? "bg-slate-100 text-slate-700"}`}>{e.outcome}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
            {activity.page > 1 ? (
              <Link href={pageHref(filter, activity.page - 1)} className="font-medium text-brand-700 underline">
                Newer
              </Link>
            ) : (
              <span />
            )}
            <span className="text-slate-600">
              Page {activity.page} of {activity.pages} · {activity.total} event{activity.total === 1 ? "" : "s"}
            </span>
            {activity.page < activity.pages ? (
              <Link href={pageHref(filter, activity.page + 1)} className="font-medium text-brand-700 underline">
                Older
              </Link>
            ) : (
              <span />
            )}
          </nav>
        </>
      )}
    </>
  );
}
