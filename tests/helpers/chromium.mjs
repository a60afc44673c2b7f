// The browser every browser test drives: Debian's chromium (/usr/bin/chromium),
// never a downloaded browser (stack-notes). CHROMIUM_PATH picks another binary.
// Plain JavaScript so scripts/test.mjs (node without tsx) shares it with the
// Playwright config and the vitest files that drive a browser; types in
// chromium.d.mts.
//
// Debian's chromium-headless-shell (Chromium's "old headless" as a binary of
// its own, what Playwright runs for headless tests since 1.49) was tried on
// 2026-12-07: 35 % less Chromium CPU on two spec files, but Playwright's
// route interception no longer caught the redirect at the end of an OAuth
// navigation chain (the IdP's 303 to the client's loopback redirect URI went
// to the network instead: idp-login-consent, model-path, app-password-browser
// and dev-server-restart failed), so the full browser stays.

/** The binary the tests launch. */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** How to get it when it is missing. */
export const chromiumInstallHint = "apt-get install -y chromium";

/** Launch flags: headless, and nothing that reaches for the network this machine does not have. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
