// `npm run keys:rotate-signing`: signing-key rotation of the built-in IdP.
//
//   npm run keys:rotate-signing              add a new ES256 + RS256 pair; it signs from the next start
//   npm run keys:rotate-signing -- --list    show the keys and which ones sign
//   npm run keys:rotate-signing -- --retire <kid>   drop an old key from the JWKS (after its tokens expired)
//
// Old keys stay published until retired, so tokens they signed keep verifying.
// Restart the app (every instance) after a change. On the embedded database
// (PGlite, one process at a time) stop the app first: the command refuses
// while the app holds the database.
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/config";
import { closeDatabase } from "../lib/db";
import { DatabaseInUseError } from "../lib/db/directory-lock";
import { listSigningKeys, retireSigningKey, rotateSigningKeys, SigningKeyError } from "../lib/idp/keys";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { retire: { type: "string" }, list: { type: "boolean" } }, strict: true });
  if (values.list) {
    for (const k of await listSigningKeys()) console.log(`${k.kid}\t${k.alg ?? k.kty}\t${k.signing ? "signing" : "verify only"}`);
  } else if (values.retire) {
    const { remaining } = await retireSigningKey(values.retire);
    console.log(`Retired ${values.retire}. Published keys: ${remaining.join(", ")}. Restart the app to apply.`);
  } else {
    const { added, kept } = await rotateSigningKeys();
    console.log(`New signing keys: ${added.join(", ")} (they sign after the next start).`);
    console.log(`Still published for verification: ${kept.join(", ") || "(none)"}. Retire them with --retire <kid> once their tokens expired.`);
  }
}

try {
  await main();
  await closeDatabase();
} catch (error) {
  const known = error instanceof ConfigError || error instanceof SigningKeyError || error instanceof DatabaseInUseError;
  const message = error instanceof Error ? error.message : String(error);
  console.error(known ? message : `keys:rotate-signing failed: ${message}`);
  if (error instanceof DatabaseInUseError) console.error("Stop the app, run the command, then start the app again.");
  await closeDatabase().catch(() => {});
  process.exit(1);
}
