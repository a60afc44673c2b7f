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
  // forbidden() → HTTP 403 for the dashboard's admin pages and actions.
  experimental: { authInterrupts: true },
  // Native/wasm or ESM-only server packages that must not be bundled.
  // openid-client: one module instance per process, or a Configuration cached on globalThis by
  // one bundle fails another bundle's `instanceof Configuration` check (server actions).
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg", "oidc-provider", "openid-client"],
  async headers() {
    return [
      { source: "/:path*", headers: common },
      { source: "/api/:path*", headers: [apiCsp] },
      { source: "/.well-known/:path*", headers: [apiCsp] },
    ];
  },
};

export default nextConfig;
