/**
 * Overview: the MCP endpoint to paste into a client, setup snippets per
 * client, and the person's state at a glance (Nextcloud access, connected
 * clients).
 */
import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/app/_components/page-shell";
import { getConfig } from "@/lib/config";
import { getNextcloudAccess } from "@/lib/dashboard/get-nextcloud-access";
import { listConnections } from "@/lib/dashboard/list-connections";
import { requireUser } from "@/lib/dashboard/session";
import { CopyButton } from "../../../_components/copy-button";
import { PageTitle, Time } from "../../../_components/display";
import { SetupSnippets } from "../../../_components/setup-snippets";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requireUser("/dashboard");
  const url = getConfig().MCP_URL;
  const [access, connections] = await Promise.all([getNextcloudAccess({ userId: user.id }), listConnections({ userId: user.id })]);
  return (
    <>
      <PageTitle title={`Hello, ${user.name}`}>Connect an AI client to your Nextcloud, and keep an eye on what it may do.</PageTitle>

      <div className="grid gap-6 md:grid-cols-2">
        <Card>
          <h2 className="text-lg font-semibold">Nextcloud access</h2>
          {access.state === "active" ? (
            <p className="mt-1 text-sm text-slate-700" data-testid="overview-nextcloud">
              Granted for {access.granted.length} scope{access.granted.length === 1 ? "" : "s"} since <Time value={access.provisionedAt} />.
            </p>
          ) : (
            <p className="mt-1 text-sm text-slate-700" data-testid="overview-nextcloud">
              {access.state === "revoked" ? "Revoked. " : "Not granted yet. "}
              Your client will ask you when a tool first needs it.
            </p>
          )}
          <Link href="/dashboard/nextcloud" className="mt-3 inline-block text-sm font-medium text-brand-700 underline">
            Manage Nextcloud access
          </Link>
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Connected clients</h2>
          <p className="mt-1 text-sm text-slate-700" data-testid="overview-connections">
            {connections.length === 0 ? "No AI client is connected yet." : `${connections.length} client${connections.length === 1 ? "" : "s"} can use this server for you.`}
          </p>
          <Link href="/dashboard/connections" className="mt-3 inline-block text-sm font-medium text-brand-700 underline">
            Review connections
          </Link>
        </Card>
      </div>

      <Card className="mt-6">
        <h2 className="text-lg font-semibold">Your MCP endpoint</h2>
        <p className="mt-1 text-sm text-slate-600">Transport: Streamable HTTP. Clients discover how to sign in by themselves (OAuth 2.1).</p>
        <p className="mt-3">
          <code data-testid="mcp-endpoint" className="block overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm text-slate-50">
            {url}
          </code>
        </p>
        <div className="mt-3">
          <CopyButton value={url} label="Copy endpoint URL" />
        </div>
      </Card>

      <Card className="mt-6">
        <h2 className="mb-4 text-lg font-semibold">Set up your client</h2>
        <SetupSnippets url={url} />
      </Card>
    </>
  );
}
