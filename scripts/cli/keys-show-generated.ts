// `npm run keys:show-generated`: prints the encryption key that development generated under
// DATA_DIR (used while TOKEN_ENCRYPTION_KEYS is unset) as a TOKEN_ENCRYPTION_KEYS setting, so data
// made in development (the same database) can be opened in production, where the setting is
// required. Without it, production refuses with "no encryption key with id local-… is configured".
// The key goes to stdout only (to redirect into a secret store); the explanation goes to stderr.
// Never creates a key: when there is none, there is nothing to carry over.
import { existsSync, readFileSync } from "node:fs";
import { usageAsked } from "./help";
import { type CliIo, line, processIo } from "./io";

const USAGE = `Usage: npm run -s keys:show-generated
Prints the key development generated in DATA_DIR/encryption.key as one line
  TOKEN_ENCRYPTION_KEYS=local-…:<base64>
for the production environment (keep it secret; it decrypts every stored refresh token).
To move to a fresh key afterwards, put a new one first and run \`npm run keys:rotate\`:
  TOKEN_ENCRYPTION_KEYS=k1:$(openssl rand -base64 32),local-…:<base64>`;

/**
 * `keys-show-generated` (argv without node and the script) on io.env (process.env unless given), its
 * output written to `io`: resolves with the exit code (0 printed, 1 none or damaged). Never exits the process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (usageAsked(argv)) {
    line(io.stdout)(USAGE);
    return 0;
  }
  const error = line(io.stderr);
  // After --help: the configuration and the key ring's module load zod and the logger.
  const [{ ConfigError, getConfig, loadConfig }, { generatedKeyFile }] = await Promise.all([import("../../lib/config"), import("../../lib/crypto/key-ring")]);
  try {
    const { DATA_DIR } = io.env ? loadConfig(io.env) : getConfig();
    const file = generatedKeyFile(DATA_DIR);
    if (!existsSync(file)) {
      error(`No generated key in ${file}: development has not stored any secret there yet, so there is nothing to carry over.`);
      return 1;
    }
    const entries = readFileSync(file, "utf8").split(/\s+/).filter(Boolean);
    if (entries.length === 0 || entries.some((e) => !/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=$/.test(e))) {
      error(`${file} is damaged: expected id:base64 with a 32-byte key.`);
      return 1;
    }
    error(
      `The key development generated (${file}). Set this in production's environment (a secret);\n` +
        `data written in development stays readable. Then, to move to a new key: put it first and run npm run keys:rotate.`,
    );
    line(io.stdout)(`TOKEN_ENCRYPTION_KEYS=${entries.join(",")}`);
    return 0;
  } catch (caught) {
    error(caught instanceof ConfigError ? caught.message : `keys:show-generated failed: ${(caught as Error).message}`);
    return 1;
  }
}
