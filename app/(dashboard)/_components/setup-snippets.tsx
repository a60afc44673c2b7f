/** How to add this MCP server to common clients; every snippet holds the real endpoint URL. */
import { cursorInstallLink, PUBLIC_URL_DOCS, reachableFromTheCloud, vscodeInstallLink } from "@/lib/dashboard/client-install-links";
import { CopyButton } from "./copy-button";

interface Snippet {
  id: string;
  client: string;
  how: string;
  code: string;
  /** A one-click install link (a URL scheme the client registers). */
  install?: { label: string; href: string };
  /** The client connects from its vendor's cloud: it needs a public https URL. */
  fromTheCloud?: boolean;
}

export function snippetsFor(url: string): Snippet[] {
  return [
    { id: "claude-code", client: "Claude Code", how: "Run in a terminal:", code: `claude mcp add --transport http nextcloud ${url}` },
    {
      id: "claude-desktop",
      client: "Claude Desktop and claude.ai",
      how: "Settings → Connectors → Add custom connector, name it “Nextcloud” and paste this URL:",
      code: url,
      fromTheCloud: true,
    },
    {
      id: "vscode",
      client: "VS Code",
      how: "Add to .vscode/mcp.json (or run “MCP: Add Server…” and choose HTTP):",
      code: JSON.stringify({ servers: { nextcloud: { type: "http", url } } }, null, 2),
      install: { label: "Add to VS Code", href: vscodeInstallLink(url) },
    },
    {
      id: "cursor",
      client: "Cursor",
      how: "Add to ~/.cursor/mcp.json (or .cursor/mcp.json in a project):",
      code: JSON.stringify({ mcpServers: { nextcloud: { url } } }, null, 2),
      install: { label: "Add to Cursor", href: cursorInstallLink(url) },
    },
    {
      id: "inspector",
      client: "MCP Inspector",
      how: "Start it, choose transport “Streamable HTTP”, paste the URL and connect (it signs in through OAuth by itself):",
      code: `npx @modelcontextprotocol/inspector\n# URL: ${url}`,
    },
  ];
}

export function SetupSnippets({ url }: { url: string }) {
  return (
    <ul className="space-y-5">
      {snippetsFor(url).map((s) => (
        <li key={s.id} data-testid={`snippet-${s.id}`}>
          <h3 className="font-semibold">{s.client}</h3>
          <p className="mt-1 text-sm text-slate-600">{s.how}</p>
          {s.fromTheCloud && (
            <p className={`mt-2 rounded-lg px-3 py-2 text-sm ${reachableFromTheCloud(url) ? "bg-slate-100 text-slate-700" : "bg-amber-50 text-amber-900"}`} data-testid="public-url-note">
              These connectors connect from Anthropic&apos;s cloud, not from your computer, so they need a public https URL
              {reachableFromTheCloud(url) ? "." : ", and this server's URL is not one."}{" "}
              <a className="font-medium underline" href={PUBLIC_URL_DOCS}>
                Deploy it, or open a tunnel for a quick try
              </a>
              .
            </p>
          )}
          <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm text-slate-50" tabIndex={0} aria-label={`${s.client} setup`}>
            <code>{s.code}</code>
          </pre>
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <CopyButton value={s.code} label={`Copy for ${s.client}`} />
            {s.install && (
              <a className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700" href={s.install.href} data-testid={`install-${s.id}`}>
                {s.install.label}
              </a>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
