/**
 * Test-only faults: make the next N requests to a path answer an error
 * (503 with Retry-After, 429, 502…) before any check runs, so retry
 * behaviour is tested against real HTTP answers. There is no HTTP route to
 * this: only code holding the Sandbox object (a test that started it) can
 * arm a fault.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface FaultRule {
  /** Requests whose path starts with this are affected. */
  pathPrefix: string;
  /** Only this method (default: any). */
  method?: string;
  /** How many requests fail (default 1). */
  count?: number;
  status?: number;
  /** Sent as Retry-After (seconds). */
  retryAfter?: number;
}

export class FaultInjector {
  private rules: (FaultRule & { remaining: number })[] = [];
  /** Requests answered with an injected fault, in order. */
  readonly injected: { method: string; path: string; status: number }[] = [];

  failNext(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Faults armed but not yet served. */
  pending(): number {
    return this.rules.reduce((sum, r) => sum + r.remaining, 0);
  }

  clear(): void {
    this.rules = [];
    this.injected.length = 0;
  }

  /** Answers the request with a fault when one is armed for it; true when it did. */
  intercept(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const method = req.method ?? "GET";
    const rule = this.rules.find((r) => r.remaining > 0 && url.pathname.startsWith(r.pathPrefix) && (!r.method || r.method === method));
    if (!rule) return false;
    rule.remaining--;
    const status = rule.status ?? 503;
    this.injected.push({ method, path: url.pathname, status });
    const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
    if (rule.retryAfter !== undefined) headers["retry-after"] = String(rule.retryAfter);
    req.resume();
    res.writeHead(status, headers);
    res.end(`Injected fault (Nextcloud sandbox test): HTTP ${status}`);
    return true;
  }
}
