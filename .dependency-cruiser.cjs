/**
 * Architecture rules, checked by `npm run lint` (dependency-cruiser).
 * docs/architecture.md explains the layers; these are the lines they must not cross.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles-between-lib-folders",
      severity: "error",
      comment:
        "A folder of lib/ (a layer or concept: broker, mcp, idp, provisioning, …) must not depend on a folder that depends back on it. " +
        "Move what both need into its own module, or have the lower layer take plain values.",
      scope: "folder",
      from: { path: "^lib/[^/]+$" },
      to: { path: "^lib/[^/]+$", circular: true },
    },
    {
      name: "tools-never-touch-storage",
      severity: "error",
      comment:
        "MCP tools reach Nextcloud through the session connection the guard hands them; they never read the database, " +
        "keys or the grant/provisioning storage themselves.",
      from: { path: "^lib/mcp/tools/" },
      to: { path: "^lib/(db|crypto)/|^lib/provisioning/(grant-store|record-hybrid-grant|complete-provisioning|begin-provisioning|revoke-nextcloud-grant)\\.ts$" },
    },
    {
      name: "product-never-imports-the-sandbox",
      severity: "error",
      comment:
        "The Nextcloud sandbox (lib/sandbox) is test and demo infrastructure. The product reaches it only over HTTP. " +
        "The one start-up hook is dev-only and outside the product: scripts/start.mjs spawns scripts/sandbox.ts as its own " +
        "process in `npm run dev` (tests and benches import lib/sandbox directly; they are not checked here).",
      from: { path: "^(app|lib|pages)/|^(instrumentation|proxy)\\.ts$", pathNot: "^lib/sandbox/" },
      to: { path: "^lib/sandbox/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^lib/db/generated/|\\.next" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
