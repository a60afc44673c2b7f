/**
 * Lets the MCP conformance CLI (@modelcontextprotocol/conformance 0.1.16,
 * "engines": node >= 22) load on Node 20, which this project runs on: its
 * bundle imports `globSync` from "fs" (Node 22) for its tier-check command
 * only, which the tests never run. Node 20 cannot link that import, so this
 * hook hands the conformance package a copy of "fs" whose `globSync` says
 * what is missing. Used as `node --import ./tests/helpers/node20-fs-glob.mjs`
 * by tests/integration/mcp-conformance.test.ts, and only on Node < 22.
 */
import { register } from "node:module";

const shim = [
  'import fs from "node:fs";',
  'export * from "node:fs";',
  "export default fs;",
  'export const globSync = fs.globSync ?? (() => { throw new Error("fs.globSync needs Node 22 (conformance tier-check)"); });',
].join("\n");

const hooks = `
const SHIM = ${JSON.stringify(`data:text/javascript,${encodeURIComponent(shim)}`)};
export async function resolve(specifier, context, next) {
  if ((specifier === "fs" || specifier === "node:fs") && context.parentURL && context.parentURL.includes("/@modelcontextprotocol/conformance/")) {
    return { url: SHIM, shortCircuit: true };
  }
  return next(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
