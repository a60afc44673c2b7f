/**
 * The page at the sandbox's root: says plainly that this is not a real
 * Nextcloud, whose tokens it trusts, and which APIs it serves with which
 * scopes. Plain HTML (no Next.js here), every value escaped.
 */
import type { SandboxRoute } from "./route-table";

export const escapeHtml = (value: string) =>
  value.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&#39;", '"': "&quot;" })[c]!);

export function renderBanner(options: { issuer: string; audience: string; routes: readonly SandboxRoute[] }): string {
  const rows = options.routes
    .flatMap((route) =>
      Object.entries(route.scopes).map(
        ([method, scopes]) =>
          `<tr><td>${escapeHtml(method)}</td><td><code>${escapeHtml(route.path)}${route.match === "prefix" ? "…" : ""}</code></td><td>${escapeHtml(route.name)}</td><td><code>${escapeHtml((scopes ?? []).join(" "))}</code></td></tr>`,
      ),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Nextcloud sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
.banner{border:3px dashed #b45309;background:#fffbeb;padding:1rem 1.25rem;border-radius:.5rem}
table{border-collapse:collapse;width:100%;margin-top:1rem}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
code{font-size:.9em}
</style></head>
<body>
<div class="banner" role="note">
<h1>Nextcloud sandbox</h1>
<p><strong>This is not a real Nextcloud.</strong> It is a test and demo stand-in with made-up data kept in memory, which disappears when it stops.
Set <code>NEXTCLOUD_URL</code> to use your own Nextcloud.</p>
</div>
<h2>How it checks requests</h2>
<p>Like Nextcloud's <code>user_oidc</code> app, it accepts bearer tokens signed by <code>${escapeHtml(options.issuer)}</code> for the audience
<code>${escapeHtml(options.audience)}</code>, and each API also needs its scope.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>API</th><th>Scope needed</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
