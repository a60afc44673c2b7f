/** A GET with a deadline for the doctor: the status, headers and JSON body (or null when not JSON). */
export interface Fetched {
  status: number;
  headers: Headers;
  json: unknown;
}

export async function fetchJson(url: string, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<Fetched> {
  const response = await fetch(url, { headers: { accept: "application/json", ...headers }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: json stays null, the caller reports the status
  }
  return { status: response.status, headers: response.headers, json };
}

