// The browser every browser test drives: Debian's chromium-headless-shell
// (/usr/bin/chromium-headless-shell: Chromium's headless mode as a binary of
// its own, what Playwright itself runs for headless tests since 1.49), never a
// downloaded browser (stack-notes). CHROMIUM_PATH picks another binary, e.g.
// /usr/bin/chromium (the full browser: the suite passes on it too).
// Plain JavaScript so scripts/test.mjs (node without tsx) shares it with the
// Playwright config and the vitest files that drive a browser; types in
// chromium.d.mts.
//
// Measured 2026-12-08 on the 2-core machine, the whole browser stage (42 tests)
// one run each: the full browser 141.9 s and 163 CPU-s of Chromium processes
// (process accounting), the headless shell 119.0 s and 101 CPU-s. Tried once
// before (2026-12-07), it failed where a test caught the IdP's 303 to the
// client's loopback redirect URI with a Playwright route: a route sees only the
// first request of a redirect chain, so the full browser had reached it only by
// reloading its error page a second later, which the shell does not do. The
// tests now run the redirect URI as a real loopback server, as native clients
// do (tests/helpers/browser-person.ts, tests/e2e/idp-login-consent.spec.ts).

/** The binary the tests launch. */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium-headless-shell";

/** How to get it when it is missing. */
export const chromiumInstallHint = "apt-get install -y chromium-headless-shell";

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
