// `npm run keys:show-generated`: prints the encryption key that development generated under
// DATA_DIR (used while TOKEN_ENCRYPTION_KEYS is unset) as a TOKEN_ENCRYPTION_KEYS setting, so data
// made in development (the same database) can be opened in production, where the setting is
// required. Without it, production refuses with "no encryption key with id local-… is configured".
// The key goes to stdout only (to redirect into a secret store); the explanation goes to stderr.
// Never creates a key: when there is none, there is nothing to carry over.
import { existsSync, readFileSync } from "node:fs";
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run -s keys:show-generated
Prints the key development generated in DATA_DIR/encryption.key as one line
  TOKEN_ENCRYPTION_KEYS=local-…:<base64>
for the production environment (keep it secret; it decrypts every stored refresh token).
To move to a fresh key afterwards, put a new one first and run \`npm run keys:rotate\`:
  TOKEN_ENCRYPTION_KEYS=k1:$(openssl rand -base64 32),local-…:<base64>`);

// After --help: the configuration and the key ring's module load zod and the logger.
const [{ ConfigError, getConfig }, { generatedKeyFile }] = await Promise.all([import("../lib/config"), import("../lib/crypto/key-ring")]);
try {
  const { DATA_DIR } = getConfig();
  const file = generatedKeyFile(DATA_DIR);
  if (!existsSync(file)) {
    console.error(`No generated key in ${file}: development has not stored any secret there yet, so there is nothing to carry over.`);
    process.exit(1);
  }
  const entries = readFileSync(file, "utf8").split(/\s+/).filter(Boolean);
  if (entries.length === 0 || entries.some((e) => !/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=$/.test(e))) {
    console.error(`${file} is damaged: expected id:base64 with a 32-byte key.`);
    process.exit(1);
  }
  console.error(
    `The key development generated (${file}). Set this in production's environment (a secret);\n` +
      `data written in development stays readable. Then, to move to a new key: put it first and run npm run keys:rotate.`,
  );
  console.log(`TOKEN_ENCRYPTION_KEYS=${entries.join(",")}`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `keys:show-generated failed: ${(error as Error).message}`);
  process.exit(1);
}
