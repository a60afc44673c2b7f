/**
 * The one reader of process.env. Everything else imports getConfig().
 */
import { processWide } from "@/lib/process-wide";
import { loadConfig, type Config } from "./load-config";

export { ConfigError, loadConfig, type Config } from "./load-config";

export function getConfig(): Config {
  return processWide("config", () => loadConfig(process.env));
}
