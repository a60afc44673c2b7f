// `npm run sandbox [-- --port SANDBOX_PORT --issuer <url> --audience nextcloud --record-tokens]`
// Starts the Nextcloud sandbox (lib/sandbox): a stand-in Nextcloud for tests
// and demos, used when NEXTCLOUD_URL is unset. It trusts tokens from the
// configured issuer (ISSUER: OIDC_ISSUER or the built-in IdP at
// ${APP_URL}/api/oidc) for NEXTCLOUD_AUDIENCE; flags override both.
// Runs until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { ConfigError, getConfig } from "../lib/config";
import { RADICALE_INSTALL_HINT, radicaleInstalled } from "../lib/sandbox/dav/radicale-process";
import { startSandbox } from "../lib/sandbox/start-sandbox";

const USAGE = `Usage: npm run sandbox -- [--port 3100] [--host 127.0.0.1] [--issuer URL] [--jwks-url URL] [--audience nextcloud] [--record-tokens]`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        issuer: { type: "string" },
        "jwks-url": { type: "string" },
        audience: { type: "string" },
        "record-tokens": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const config = getConfig();
  // The app looks for the sandbox on SANDBOX_PORT when NEXTCLOUD_URL is unset.
  const port = Number(args.port ?? config.SANDBOX_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port must be a port number (0-65535), got ${args.port}\n${USAGE}`);
    process.exit(2);
  }
  for (const [flag, value] of [["--issuer", args.issuer], ["--jwks-url", args["jwks-url"]]] as const) {
    if (value !== undefined && !/^https?:\/\//.test(value)) {
      console.error(`${flag} must be an http(s) URL, got ${value}\n${USAGE}`);
      process.exit(2);
    }
  }

  const sandbox = await startSandbox({
    port,
    host: args.host,
    issuer: args.issuer ?? config.ISSUER,
    jwksUrl: args["jwks-url"],
    audience: args.audience ?? config.NEXTCLOUD_AUDIENCE,
    recordTokens: args["record-tokens"],
  });
  console.log(
    `Nextcloud SANDBOX (test and demo data, not a real Nextcloud) on ${sandbox.url}\n` +
      `  trusts tokens from ${sandbox.issuer} with audience "${sandbox.audience}"` +
      (args["record-tokens"] ? `\n  records accepted tokens' claims at ${sandbox.url}/__sandbox/seen (test mode)` : "") +
      (radicaleInstalled() ? "\n  calendars and contacts: Radicale, started with the first CalDAV/CardDAV request" : `\n  calendars and contacts: UNAVAILABLE, Radicale is not installed (${RADICALE_INSTALL_HINT})`),
  );
  // A signal may arrive twice (the process group and tsx relaying it): stop once, ignore the rest.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `The sandbox could not start: ${(error as Error).message}`);
  process.exit(1);
});
