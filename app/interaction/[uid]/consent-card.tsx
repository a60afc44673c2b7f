/**
 * The built-in IdP's consent step: who asks (client kind, where it returns to),
 * what it may do, as choices the person can untick (ScopeChoices), and a plain
 * HTML Allow / Deny form that works without JavaScript: the checkboxes are part
 * of the same form, so Allow sends exactly what is ticked.
 */
import { Card } from "@/app/_components/page-shell";
import type { ConsentView } from "@/lib/idp/interactions";
import { SEARCH_INDEX_NOTICE } from "@/lib/search/index-notice";
import { ScopeChoices } from "./scope-choices";

const KIND_LABEL: Record<ConsentView["clientKind"], string> = {
  preregistered: "Pre-registered by your administrator",
  internal: "This server itself",
  dynamic: "Registered itself automatically (not verified by your administrator)",
  cimd: "Identified by its published client metadata document (not verified by your administrator)",
  external: "Known to your identity provider",
  unknown: "Unknown client",
};

/** What the client asks for, and the Allow / Deny form. Every value is escaped by React. */
export function ConsentCard({ uid, csrf, view, accountName }: { uid: string; csrf: string; view: ConsentView; accountName?: string }) {
  return (
    <Card>
      <h1 className="text-xl font-semibold">
        Allow <span data-testid="client-name">{view.clientName}</span> to use your account?
      </h1>
      {accountName ? <p className="mt-1 text-sm text-slate-600">Signed in as {accountName}</p> : null}
      <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Client</dt>
        <dd data-testid="client-kind">{KIND_LABEL[view.clientKind]}</dd>
        <dt className="text-slate-500">Returns to</dt>
        <dd data-testid="redirect-host" className="break-all font-mono">{view.redirectTarget}</dd>
      </dl>
      <form method="post" action={`/interaction/${uid}/consent`} className="mt-5">
        <p className="text-sm text-slate-700">
          {view.options.groups.length > 0
            ? "Untick anything you do not want to allow: the client then does not get the tools that need it."
            : "The client asks for nothing beyond knowing who you are."}
          {view.alsoGrantsNextcloud ? " What you allow here also lets this server act in your Nextcloud for these tools, with no separate step." : ""}
        </p>
        {view.alsoGrantsNextcloud ? <p className="mt-2 text-sm text-slate-600">{SEARCH_INDEX_NOTICE}</p> : null}
        <input type="hidden" name="csrf" value={csrf} />
        <ScopeChoices options={view.options} />
        <div className="mt-6 flex gap-3">
          <button type="submit" name="decision" value="allow" className="rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">
            Allow
          </button>
          <button type="submit" name="decision" value="deny" className="rounded-lg border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-800 hover:bg-slate-50">
            Deny
          </button>
        </div>
      </form>
    </Card>
  );
}
