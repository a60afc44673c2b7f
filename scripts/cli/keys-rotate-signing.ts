// `npm run keys:rotate-signing`: signing-key rotation of the built-in IdP (lib/idp/rotate-signing-keys.ts).
// Run with --help for the usage. On the embedded database (PGlite, one
// process at a time) stop the app first: the command refuses while the app
// holds the database.
// The configuration, the IdP's key code and the database layer (Prisma, the drivers) are imported once
// the arguments are read: --help and a bad flag are answered without loading them.
import { type CliIo, lazyDatabaseModule, line, parseFlags, processIo } from "./io";

// The IdP's key code brings the database layer: one per main() call (lazyDatabaseModule).
const signingKeysLayer = () => lazyDatabaseModule(() => import("../../lib/idp/rotate-signing-keys"));
type SigningKeysLayer = ReturnType<typeof signingKeysLayer>;

const USAGE = `Usage: npm run keys:rotate-signing -- [--stage] [--publish-ahead SECONDS] | --immediate | --list | --retire KID | --help

  (no flag), --stage   Add a new ES256 + RS256 key pair. It is published in the JWKS at once and starts
                       signing after the publish-ahead period (OIDC_KEY_PUBLISH_AHEAD, default 4500 s), so a
                       Nextcloud that caches the JWKS for an hour (user_oidc) knows it before any token uses it.
                       The running app picks up the change within a minute; no restart is needed.
  --publish-ahead S    Override the publish-ahead period for this rotation (seconds).
  --immediate          The new pair signs at once. Nextcloud refuses its tokens (401) until its JWKS cache
                       expires (up to an hour) or the admin re-saves the user_oidc provider. For a key compromise.
  --list               Each key: id, algorithm, state (signing / pending / verify-only), when it starts signing.
  --retire KID         Remove an old key from the JWKS once the tokens it signed expired (a pending key can be
                       retired too: that cancels its staging). The key signing for its type cannot be retired.
  --help               This text.`;

function when(ms: number | null): string {
  return ms === null ? "" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

async function run(argv: readonly string[], io: CliIo, keys: SigningKeysLayer): Promise<number> {
  const log = line(io.stdout);
  const error = line(io.stderr);
  const values = parseFlags(
    argv,
    {
      stage: { type: "boolean" },
      immediate: { type: "boolean" },
      "publish-ahead": { type: "string" },
      retire: { type: "string" },
      list: { type: "boolean" },
      help: { type: "boolean" },
    },
    USAGE,
    io,
  );
  if (typeof values === "number") return values;
  const modes = [values.stage || values["publish-ahead"] !== undefined, values.immediate, values.list, values.retire !== undefined].filter(Boolean).length;
  if (modes > 1) {
    error(`Choose one of --stage, --immediate, --list, --retire.\n${USAGE}`);
    return 2;
  }
  let ahead: number | undefined;
  if (values["publish-ahead"] !== undefined) {
    ahead = Number(values["publish-ahead"]);
    if (!Number.isInteger(ahead) || ahead < 0) {
      error(`--publish-ahead must be a whole number of seconds, got ${values["publish-ahead"]}\n${USAGE}`);
      return 2;
    }
  }

  const { listSigningKeys, retireSigningKey, rotateSigningKeys } = await keys.load();
  if (values.list) {
    for (const k of await listSigningKeys()) {
      const detail = k.state === "pending" ? `starts signing at ${when(k.activatesAt)}` : k.activatesAt !== null ? `since ${when(k.activatesAt)}` : "";
      log([k.kid, k.alg ?? k.kty, k.state, detail].join("\t").trimEnd());
    }
  } else if (values.retire) {
    const { remaining } = await retireSigningKey(values.retire);
    log(`Retired ${values.retire}. Published keys: ${remaining.join(", ")}. The running app drops it within a minute.`);
  } else {
    const { added, kept, activatesAt } = await rotateSigningKeys({ immediate: values.immediate, publishAheadSeconds: ahead });
    if (activatesAt === null) {
      log(`New signing keys: ${added.join(", ")}; they sign at once.`);
      log("Nextcloud (user_oidc) refuses their tokens until its JWKS cache expires (up to an hour) or its provider is saved again.");
    } else {
      const wait = Math.round((activatesAt - Date.now()) / 1000);
      log(`New signing keys: ${added.join(", ")}; published now, signing from ${when(activatesAt)} (in ${wait} s, OIDC_KEY_PUBLISH_AHEAD=${ahead ?? (await import("../../lib/config")).getConfig().OIDC_KEY_PUBLISH_AHEAD}).`);
    }
    log(`Still published for verification: ${kept.join(", ") || "(none)"}. Retire them with --retire <kid> once their tokens expired.`);
  }
  return 0;
}

/**
 * `keys-rotate-signing [flags]` (argv without node and the script), its output written to `io`:
 * resolves with the exit code (0 done, 1 refused or failed, 2 bad flags). Never exits the process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const keys = signingKeysLayer();
  try {
    const code = await run(argv, io, keys);
    await keys.close();
    return code;
  } catch (error) {
    const [{ ConfigError }, { DatabaseInUseError }] = await Promise.all([import("../../lib/config"), import("../../lib/db/directory-lock")]);
    const known =
      error instanceof ConfigError || error instanceof DatabaseInUseError || (keys.loaded && error instanceof (await import("../../lib/idp/keys")).SigningKeyError);
    const message = error instanceof Error ? error.message : String(error);
    line(io.stderr)(known ? message : `keys:rotate-signing failed: ${message}`);
    if (error instanceof DatabaseInUseError) line(io.stderr)("Stop the app, run the command, then start the app again.");
    await keys.close().catch(() => {});
    return 1;
  }
}
