// ESLint (flat config): a small, type-aware rule set over the product code, run by `npm run lint`.
// The type checker (tsc) and dependency-cruiser (.dependency-cruiser.cjs) cover the rest.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", ".next*/**", "lib/db/generated/**", "bench-results/**", "playwright-report/**", "test-results/**"] },
  {
    files: ["app/**/*.{ts,tsx}", "lib/**/*.ts", "pages/**/*.ts", "instrumentation.ts", "proxy.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    // Off: the code keeps disable comments for rules of editors' default sets that this small set does not enable.
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      // A promise nobody awaits loses its error (and, in a route handler, may outlive the response).
      "@typescript-eslint/no-floating-promises": "error",
      // A promise where a boolean or a void callback is expected (if (promise), emitter.on(…, async …)).
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
);
