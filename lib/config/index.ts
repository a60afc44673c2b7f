/**
 * The one reader of process.env. Everything else imports getConfig().
 */
import { loadConfig, type Config } from "./load-config";

export { ConfigError, loadConfig, type Config } from "./load-config";

const KEY = Symbol.for("nextcloud-mcp.config");
type Holder = { [KEY]?: Config };

export function getConfig(): Config {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= loadConfig(process.env));
}
