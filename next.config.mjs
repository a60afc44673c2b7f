/** @type {import('next').NextConfig} */

// Headers that hold for every response. Pages additionally get a per-request
// nonce CSP from proxy.ts; API and metadata routes get a deny-all CSP here.
const common = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null`
  // on form posts, which would defeat the Origin check of our CSRF defence;
  // other sites still get no referrer (no OAuth codes or links leak).
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];
const apiCsp = { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'" };
// The IdP's own few HTML pages (sign-out, errors: lib/idp/pages.ts) may load
// the app's static stylesheet; still no scripts, frames or other sources.
const idpCsp = { key: "Content-Security-Policy", value: "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'" };

const nextConfig = {
  // NEXT_DIST_DIR lets parallel builds (several developers' test runs on one
  // machine) keep apart; the default is Next's own.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The container image runs Next.js's standalone server (`node server.js` with only the traced
  // node_modules, no dev dependencies). Only when asked (scripts/build-standalone.mjs): on every
  // build, `next start` (npm start, the tests) would warn that it does not fit standalone output.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  poweredByHeader: false,
  // `npm test` type-checks the whole tree first (tsc --noEmit); the build
  // does not repeat it.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // No request log: it prints each URL with its query string, which holds provisioning links
  // (`request=`), Flow 2's `code` and `state`, and whatever token a client put there. (Next.js
  // logs incoming requests in development only; `next start` logs none either way.)
  logging: { incomingRequests: false, fetches: { fullUrl: false } },
  experimental: {
    // forbidden() → HTTP 403 for the dashboard's admin pages and actions.
    authInterrupts: true,
    // `npm run dev` must survive a restart (issue 12). With Turbopack's
    // persistent dev cache (on by default since Next 16.1), a restart over an
    // existing build folder sometimes left the IdP's consent page reloading
    // itself forever: every load of a page first built in the new session
    // ended in an HMR update ("✓ Compiled in 2 ms", then GET /interaction/…
    // again), and a form post during it was answered 200 without reaching its
    // route handler; only deleting the folder (the restored cache) helped.
    // Reproduced 2 times in 6 restarts here, never on a cold cache. Dev starts
    // from a cold cache instead (slower first compile after a restart);
    // tests/integration/dev-server-restart.test.ts restarts dev and signs in.
    turbopackFileSystemCacheForDev: false,
  },
  // Native/wasm or ESM-only server packages that must not be bundled.
  // openid-client: one module instance per process, or a Configuration cached on globalThis by
  // one bundle fails another bundle's `instanceof Configuration` check (server actions).
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg", "oidc-provider", "openid-client", "light-my-request"],
  async headers() {
    return [
      { source: "/:path*", headers: common },
      { source: "/api/:path*", headers: [apiCsp] },
      // Listed after /api: for the same header, the last matching rule wins.
      { source: "/api/oidc/:path*", headers: [idpCsp] },
      { source: "/.well-known/:path*", headers: [apiCsp] },
    ];
  },
};

export default nextConfig;
