// `npm run sandbox [-- --port SANDBOX_PORT --issuer <url> --audience nextcloud --record-tokens]`
// Starts the Nextcloud sandbox (lib/sandbox): a stand-in Nextcloud for tests
// and demos, used when NEXTCLOUD_URL is unset. It trusts tokens from the
// configured issuer (ISSUER: OIDC_ISSUER or the built-in IdP at
// ${APP_URL}/api/oidc) for NEXTCLOUD_AUDIENCE; flags override both. The
// user_oidc-like flags (--mapping-uid, --unique-uid) and the JWKS cache
// lifetime mirror a real Nextcloud's provider settings (docs/nextcloud-setup.md);
// --seed names the users who start with demo notes and files (default "*":
// every user, on their first request — it is a demo). Runs until SIGINT/SIGTERM.
// The configuration and the sandbox's server are imported after the arguments are read: --help and a
// bad flag are answered without loading them.
import { parseArgs } from "node:util";
import { DEFAULT_UID_MAPPING } from "../lib/sandbox/sandbox-users";

const USAGE =
  "Usage: npm run sandbox -- [--port 3100] [--host 127.0.0.1] [--issuer URL] [--jwks-url URL] [--audience nextcloud] [--record-tokens]\n" +
  `         [--mapping-uid "${DEFAULT_UID_MAPPING}"] [--unique-uid 0|1] [--jwks-cache-seconds 3600] [--seed "*" | --seed demo,alice | --seed ""]`;

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
        "mapping-uid": { type: "string", default: DEFAULT_UID_MAPPING },
        "unique-uid": { type: "string", default: "0" },
        "jwks-cache-seconds": { type: "string", default: "3600" },
        seed: { type: "string", default: "*" },
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
  const config = (await import("../lib/config")).getConfig();
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

  const cacheSeconds = Number(args["jwks-cache-seconds"]);
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0) {
    console.error(`--jwks-cache-seconds must be a whole number of seconds, got ${args["jwks-cache-seconds"]}\n${USAGE}`);
    process.exit(2);
  }
  if (args["unique-uid"] !== "0" && args["unique-uid"] !== "1") {
    console.error(`--unique-uid must be 0 or 1, got ${args["unique-uid"]}\n${USAGE}`);
    process.exit(2);
  }
  const seedUsers = args.seed.split(",").map((s) => s.trim()).filter(Boolean);

  const [{ startSandbox }, { RADICALE_INSTALL_HINT, radicaleInstalled }] = await Promise.all([import("../lib/sandbox/start-sandbox"), import("../lib/sandbox/dav/radicale-process")]);
  const sandbox = await startSandbox({
    port,
    host: args.host,
    issuer: args.issuer ?? config.ISSUER,
    jwksUrl: args["jwks-url"],
    audience: args.audience ?? config.NEXTCLOUD_AUDIENCE,
    recordTokens: args["record-tokens"],
    jwksCacheTtlMs: cacheSeconds * 1000,
    userMapping: { uidMapping: args["mapping-uid"], uniqueUid: args["unique-uid"] === "1" },
    seedUsers,
  });
  console.log(
    `Nextcloud SANDBOX (test and demo data, not a real Nextcloud) on ${sandbox.url}\n` +
      `  trusts tokens from ${sandbox.issuer} with audience "${sandbox.audience}"` +
      `\n  maps users from "${args["mapping-uid"]}"${args["unique-uid"] === "1" ? " (hashed, unique uid)" : ""}; caches the IdP's keys ${cacheSeconds} s` +
      (seedUsers.length ? `\n  demo notes, files and Deck board for: ${seedUsers.includes("*") ? "every user, on first sight" : seedUsers.join(", ")}` : "") +
      (args["record-tokens"] ? `\n  records accepted tokens' claims and app-password uses at ${sandbox.url}/__sandbox/seen (test mode)` : "") +
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

main().catch(async (error: unknown) => {
  const { ConfigError } = await import("../lib/config");
  console.error(error instanceof ConfigError ? error.message : `The sandbox could not start: ${(error as Error).message}`);
  process.exit(1);
});
