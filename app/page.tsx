import Link from "next/link";
import { PageShell, Card } from "@/app/_components/page-shell";
import { getConfig } from "@/lib/config";

// Rendered per request: the endpoint URL comes from runtime configuration.
export const dynamic = "force-dynamic";

export default function HomePage() {
  const mcpUrl = `${getConfig().APP_URL}/api/mcp`;
  return (
    <PageShell
      actions={
        <Link href="/dashboard" className="rounded-lg px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50">
          Dashboard
        </Link>
      }
    >
      <h1 className="text-3xl font-bold tracking-tight text-brand-900">Your Nextcloud, for AI clients, on your terms</h1>
      <p className="mt-3 max-w-2xl text-slate-700">
        nextcloud-mcp lets AI clients such as Claude, ChatGPT, VS Code, Cursor or MCP Inspector use your Nextcloud through the Model
        Context Protocol. Clients sign in with their own identity; this server gets access to your Nextcloud only when a tool first
        needs it and only after you grant it, scope by scope. Every tool call runs on a short-lived, down-scoped token.
      </p>

      <Card className="mt-8">
        <h2 className="text-lg font-semibold">Connect a client</h2>
        <p className="mt-1 text-sm text-slate-600">Paste this MCP endpoint URL into your client (transport: Streamable HTTP):</p>
        <p className="mt-3">
          <code data-testid="mcp-endpoint" className="block overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm text-slate-50">
            {mcpUrl}
          </code>
        </p>
        <p className="mt-3 text-sm text-slate-600">
          Your client discovers how to sign in by itself (OAuth 2.1 with protected resource metadata); you will be asked to approve it.
        </p>
      </Card>

      <div className="mt-6 grid gap-6 md:grid-cols-3">
        <Card>
          <h2 className="font-semibold">1. The client signs in</h2>
          <p className="mt-1 text-sm text-slate-600">It gets a token for this server only, never one for your Nextcloud.</p>
        </Card>
        <Card>
          <h2 className="font-semibold">2. You grant Nextcloud access</h2>
          <p className="mt-1 text-sm text-slate-600">Only when a tool first needs it, and only the scopes it needs.</p>
        </Card>
        <Card>
          <h2 className="font-semibold">3. Each call is down-scoped</h2>
          <p className="mt-1 text-sm text-slate-600">A minutes-long Nextcloud token per call, never stored. Revoke at any time.</p>
        </Card>
      </div>
    </PageShell>
  );
}
