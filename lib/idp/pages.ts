/**
 * The few HTML pages oidc-provider renders itself (errors, the RP-initiated
 * logout confirmation and its success page), in the app's visual language.
 * Every dynamic value is escaped; internal details (error_detail, stack
 * traces) are never shown.
 */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

// Inline styles are blocked by the API CSP; /api/oidc allows stylesheets from
// this origin (next.config.mjs), so the pages link one static sheet.
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · nextcloud-mcp</title><link rel="stylesheet" href="/idp-pages.css"></head><body><header><p><strong>nextcloud-mcp</strong></p></header><main>${body}</main></body></html>`;
}

export function errorPage(out: { error?: string; error_description?: string }): string {
  const code = out.error ?? "server_error";
  const text = code === "server_error" ? "Something went wrong on our side. Please try again." : (out.error_description ?? "The request could not be processed.");
  return page("Sign-in problem", `<h1>This request could not be completed</h1><p>${escapeHtml(text)}</p><p>Error code: <code>${escapeHtml(code)}</code></p><p>Go back to the application you came from and start again.</p>`);
}

export function logoutPage(form: string, clientName: string | undefined): string {
  const who = clientName ? ` from ${escapeHtml(clientName)}` : "";
  return page(
    "Sign out",
    `<h1>Sign out${who}?</h1><p>You will be signed out of nextcloud-mcp in this browser.</p>${form}<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button> <button type="submit" form="op.logoutForm">Stay signed in</button></p>`,
  );
}

export function logoutSuccessPage(): string {
  return page("Signed out", '<h1>You are signed out</h1><p>You can close this window, or <a href="/">go to the start page</a>.</p>');
}
