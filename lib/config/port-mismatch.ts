/**
 * A local APP_URL whose port is not the one the server listens on: the
 * server then advertises an issuer and resource nobody answers on, and
 * clients only see "Forbidden: the Host header does not name this server".
 * Only loopback hosts are compared: behind a proxy or a tunnel the public
 * port differs from PORT on purpose.
 */
import type { Config } from "./load-config";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function appUrlPortMismatch(config: Pick<Config, "APP_URL" | "PORT">): string | undefined {
  const url = new URL(config.APP_URL);
  if (!LOOPBACK.has(url.hostname)) return undefined;
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  if (port === config.PORT) return undefined;
  return (
    `APP_URL (${config.APP_URL}) names port ${port} but the server listens on PORT=${config.PORT}: ` +
    `sign-in will fail. Unset APP_URL (it then follows PORT) or make the two agree.`
  );
}
