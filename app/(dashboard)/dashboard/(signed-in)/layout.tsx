/**
 * The frame of every signed-in dashboard page: the header shows who is signed
 * in and a sign-out button, the section navigation sits on top. Each section's
 * own layout sends a signed-out visitor to sign in (it knows where to come
 * back to) before anything is streamed; each page checks again (layouts do not
 * re-render on client-side navigation).
 */
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { PageShell } from "@/app/_components/page-shell";
import { getDashboardUser } from "@/lib/dashboard/session";
import { DashboardNav } from "../../_components/dashboard-nav";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: { default: "Dashboard", template: "%s · Dashboard · nextcloud-mcp" } };

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await getDashboardUser();
  if (!user) return <PageShell width="narrow">{children}</PageShell>;
  return (
    <PageShell
      actions={
        <div className="flex items-center gap-3">
          <span className="hidden text-sm text-slate-600 sm:inline" data-testid="signed-in-as">
            {user.name}
            {user.isAdmin ? <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">admin</span> : null}
          </span>
          <form method="post" action="/dashboard/sign-out">
            <button type="submit" className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 hover:bg-slate-50">
              Sign out
            </button>
          </form>
        </div>
      }
    >
      <DashboardNav admin={user.isAdmin} />
      {children}
    </PageShell>
  );
}
