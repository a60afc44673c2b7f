/**
 * The IdP's only outbound HTTP client (Client ID Metadata Documents, and any
 * jwks_uri a client names). Server-side request forgery guard:
 *
 * - https only, no redirects followed;
 * - the host's addresses are resolved and checked *before* connecting, and
 *   the connection uses exactly the checked address (no DNS-rebinding gap):
 *   loopback, private (RFC 1918, ULA), link-local, CGNAT, multicast,
 *   documentation and other special-use ranges are refused, and IPv6 forms
 *   that carry an IPv4 address (mapped, 6to4) are judged by that address;
 * - bounded time (the caller's signal, and our own cap) and size.
 *
 * Time: oidc-provider aborts its fetches after 2.5 s and MAX_FETCH_MS caps
 * ours; tests shorten the cap with TEST_CIMD_FETCH_TIMEOUT_MS (NODE_ENV=test
 * only) to watch this guard, not oidc-provider's, refuse a slow document.
 *
 * Test escape hatch: TEST_CIMD_ALLOW_LOOPBACK (lib/config refuses it unless
 * NODE_ENV=test) admits loopback addresses only, so tests can serve documents
 * over https from 127.0.0.1 with a test CA (NODE_EXTRA_CA_CERTS). Private and
 * link-local addresses stay refused even then.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

export const MAX_RESPONSE_BYTES = 64 * 1024;
export const MAX_FETCH_MS = 5_000;

const special = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24],
  ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) special.addSubnet(net, prefix, "ipv4");
// IANA IPv6 Special-Purpose Address Registry, plus deprecated ranges that some
// stacks still route: ::/96 IPv4-compatible (RFC 4291 §2.5.5.1), fec0::/10
// site-local (RFC 3879). 64:ff9b::/96 and 64:ff9b:1::/48 are NAT64 (RFC 6052,
// RFC 8215): they reach IPv4 hosts we cannot see, so they are refused whole.
for (const [net, prefix] of [
  ["::", 96], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 23], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) special.addSubnet(net, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

export class BlockedAddressError extends Error {
  constructor(address: string) {
    super(`refused to connect to the special-use address ${address}`);
    this.name = "BlockedAddressError";
  }
}

/** The eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail counts as two). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => parseInt(g, 16));
}

const ipv4From = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The IPv4 address an IPv6 address stands for, where the IPv6 form is only a
 * wrapper around it: IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2) and 6to4
 * 2002::/16 (RFC 3056 §2: the IPv4 address in bits 16–47). Such an address is
 * judged by the IPv4 address it carries.
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g.length !== 8 || g.some((n) => !Number.isInteger(n))) return undefined;
  if (g.slice(0, 5).every((n) => n === 0) && g[5] === 0xffff) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4From(g[1]!, g[2]!);
  return undefined;
}

/** True when the address must not be contacted. */
export function isBlockedAddress(address: string, options: { allowLoopback: boolean }): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (type === "ipv6") {
    const inner = embeddedIpv4(address);
    if (inner !== undefined) {
      // Only the plain mapped form of a loopback address counts as loopback for the test hatch.
      const mapped = ipv6Groups(address)[0] === 0;
      return isBlockedAddress(inner, { allowLoopback: mapped && options.allowLoopback });
    }
  }
  if (loopback.check(address, type)) return !options.allowLoopback;
  return special.check(address, type);
}

function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as LookupAddress[];
      const blocked = list.find((a) => isBlockedAddress(a.address, { allowLoopback }));
      if (blocked || list.length === 0) return callback(new BlockedAddressError(blocked?.address ?? hostname), "", 0);
      const first = list[0]!;
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, first.address, first.family);
    });
  };
}

export interface GuardedFetchOptions {
  allowLoopback: boolean;
  maxBytes?: number;
  timeoutMs?: number;
}

/** A fetch(url, init) for oidc-provider's `fetch` hook; GET/POST of small bodies only. */
export function createGuardedFetch(options: GuardedFetchOptions) {
  const maxBytes = options.maxBytes ?? MAX_RESPONSE_BYTES;
  const timeoutMs = options.timeoutMs ?? MAX_FETCH_MS;
  return async function guardedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(String(input));
    if (url.protocol !== "https:") throw new TypeError("only https URLs may be fetched");
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) && isBlockedAddress(host, options)) throw new BlockedAddressError(host);
    const headers = new Headers(init.headers);
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method: init.method ?? "GET",
          headers: Object.fromEntries(headers),
          lookup: guardedLookup(options.allowLoopback),
          signal,
          // Never reuse sockets across checks: each request resolves and checks anew.
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let received = 0;
          res.on("data", (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxBytes) {
              res.destroy();
              reject(new Error("response too large"));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => {
            const out = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
            }
            const status = res.statusCode ?? 502;
            // Redirects are not followed (a 3xx is handed back as is; callers want 200).
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: out }));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      const body = init.body;
      if (typeof body === "string") req.end(body);
      else req.end();
    });
  };
}
