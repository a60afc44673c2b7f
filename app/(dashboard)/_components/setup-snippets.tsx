/** How to add this MCP server to common clients; every snippet holds the real endpoint URL. */
import { CopyButton } from "./copy-button";

interface Snippet {
  id: string;
  client: string;
  how: string;
  code: string;
}

export function snippetsFor(url: string): Snippet[] {
  return [
    { id: "claude-code", client: "Claude Code", how: "Run in a terminal:", code: `claude mcp add --transport http nextcloud ${url}` },
    {
      id: "claude-desktop",
      client: "Claude Desktop",
      how: "Settings → Connectors → Add custom connector, name it “Nextcloud” and paste this URL:",
      code: url,
    },
    {
      id: "vscode",
      client: "VS Code",
      how: "Add to .vscode/mcp.json (or run “MCP: Add Server…” and choose HTTP):",
      code: JSON.stringify({ servers: { nextcloud: { type: "http", url } } }, null, 2),
    },
    { id: "cursor", client: "Cursor", how: "Add to ~/.cursor/mcp.json (or .cursor/mcp.json in a project):", code: JSON.stringify({ mcpServers: { nextcloud: { url } } }, null, 2) },
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
          <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm text-slate-50" tabIndex={0} aria-label={`${s.client} setup`}>
            <code>{s.code}</code>
          </pre>
          <div className="mt-2">
            <CopyButton value={s.code} label={`Copy for ${s.client}`} />
          </div>
        </li>
      ))}
    </ul>
  );
}
