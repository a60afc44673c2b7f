/**
 * The cookie jar the tests' HTTP "browsers" share (oidc-login.ts signs in at
 * the built-in IdP, mcp-client.ts follows an external IdP's redirects): cookies
 * by name, kept per host and path, dropped when a Set-Cookie expires them.
 * Enough for sequential sign-ins; not a full RFC 6265 implementation (no
 * Domain attribute, no Secure/SameSite rules).
 */

export interface CookieJar {
  /** Cookie header for a URL (same host, path-matched); "" when none apply. */
  header(url: URL): string;
  /** Takes the Set-Cookie lines of a response to a request for `url`. */
  store(url: URL, setCookies: string[]): void;
  names(): string[];
}

export function createCookieJar(): CookieJar {
  const cookies = new Map<string, { value: string; path: string; host: string }>();
  return {
    header(url) {
      return [...cookies]
        .filter(([, c]) => c.host === url.host && url.pathname.startsWith(c.path))
        .map(([name, c]) => `${name}=${c.value}`)
        .join("; ");
    },
    store(url, setCookies) {
      for (const line of setCookies) {
        const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
        const eq = pair.indexOf("=");
        const name = pair.slice(0, eq);
        const value = pair.slice(eq + 1);
        let path = "/";
        let expired = value === "";
        for (const attribute of attributes) {
          const [key = "", val = ""] = attribute.split("=");
          if (key.toLowerCase() === "path") path = val;
          if (key.toLowerCase() === "max-age" && Number(val) <= 0) expired = true;
          if (key.toLowerCase() === "expires" && Date.parse(val) < Date.now()) expired = true;
        }
        if (expired) cookies.delete(name);
        else cookies.set(name, { value, path, host: url.host });
      }
    },
    names: () => [...cookies.keys()],
  };
}
