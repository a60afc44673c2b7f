/**
 * A stateless MCP request gets its own McpServer + transport; they must be
 * closed however the request ends (issue 19 defect 10): after a JSON answer,
 * after an SSE stream ends, and when the client goes away mid-stream (the
 * response stream is cancelled, or the request is aborted). Authentication
 * is off (NODE_ENV=test only) so the handler runs in this process without an
 * IdP; a test catalogue holds a tool that waits until it is told to finish.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "@/lib/mcp/tool-definition";
import { useAuthDisabledMcpHandler } from "../../helpers/auth-disabled-mcp";
import { modernEnvelope } from "../../helpers/mcp-client";

const mcp = useAuthDisabledMcpHandler();

let finish: () => void = () => {};
let started = 0;
let abortedRuns = 0;
const slow = defineTool({
  name: "slow_test_tool",
  title: "Slow",
  description: "Waits until the test lets it finish (test catalogue entry).",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  annotations: { readOnlyHint: true },
  requiredScopes: [],
  async run(_input, { signal }) {
    started++;
    await new Promise<void>((resolve) => {
      finish = resolve;
      signal?.addEventListener(
        "abort",
        () => {
          abortedRuns++;
          resolve();
        },
        { once: true },
      );
    });
    return { structured: { done: true }, text: "done" };
  },
});
const catalogue = [slow];

function call(accept: string, signal?: AbortSignal): Promise<Response> {
  return mcp().handleMcpPost(
    new Request("http://127.0.0.1:3999/api/mcp", {
      method: "POST",
      headers: { host: "127.0.0.1:3999", "content-type": "application/json", accept },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "slow_test_tool", arguments: {} } }),
      signal,
    }),
    { catalogue },
  );
}

/** The same call as MCP 2026-07-28: the `_meta` envelope and the standard headers (the SDK's strict entry serves it). */
function call2026(accept: string, signal?: AbortSignal): Promise<Response> {
  const _meta = modernEnvelope();
  return mcp().handleMcpPost(
    new Request("http://127.0.0.1:3999/api/mcp", {
      method: "POST",
      headers: { host: "127.0.0.1:3999", "content-type": "application/json", accept, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "slow_test_tool" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "slow_test_tool", arguments: {}, _meta } }),
      signal,
    }),
    { catalogue },
  );
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("MCP server lifetime per request", () => {
  it("closes the server after a JSON answer and after a completed SSE stream", async () => {
    const before = mcp().openMcpServerCount();
    const json = call("application/json");
    await until(() => mcp().openMcpServerCount() === before + 1, "the server to open");
    finish();
    expect((await json).status).toBe(200);
    await until(() => mcp().openMcpServerCount() === before, "the server to close");

    const sse = await (async () => {
      const pending = call("text/event-stream");
      await until(() => mcp().openMcpServerCount() === before + 1, "the server to open");
      return pending;
    })();
    expect(sse.headers.get("content-type")).toMatch(/text\/event-stream/);
    finish();
    expect(await sse.text()).toMatch(/"done":true/);
    await until(() => mcp().openMcpServerCount() === before, "the server to close");
  });

  it("closes the server when the client cancels the SSE stream before the answer", async () => {
    const before = mcp().openMcpServerCount();
    const response = await call("text/event-stream");
    expect(mcp().openMcpServerCount()).toBe(before + 1);
    await response.body!.cancel();
    await until(() => mcp().openMcpServerCount() === before, "the server to close after the stream was cancelled");
  });

  it("closes the server when the request is aborted (client disconnected)", async () => {
    const before = mcp().openMcpServerCount();
    const controller = new AbortController();
    const response = await call("text/event-stream", controller.signal);
    expect(mcp().openMcpServerCount()).toBe(before + 1);
    controller.abort();
    await until(() => mcp().openMcpServerCount() === before, "the server to close after the request was aborted");
    await response.body!.cancel().catch(() => {});
  });

  it("closes the server when a JSON-mode request is aborted while its tool runs", async () => {
    const before = mcp().openMcpServerCount();
    const controller = new AbortController();
    const pending = call("application/json", controller.signal).catch(() => undefined);
    await until(() => mcp().openMcpServerCount() === before + 1, "the server to open");
    controller.abort();
    await until(() => mcp().openMcpServerCount() === before, "the server to close after the request was aborted");
    await pending;
  });

  // The 2026-07-28 entry ends the exchange through the forwarded request's signal (the client's own).
  it.each(["application/json", "text/event-stream"])("a 2026-07-28 call (%s): the client's abort reaches the running tool", async (accept) => {
    const [runsBefore, abortedBefore] = [started, abortedRuns];
    const controller = new AbortController();
    const pending = call2026(accept, controller.signal).then(
      async (response) => {
        await response.text().catch(() => "");
        return response.status;
      },
      () => undefined,
    );
    await until(() => started === runsBefore + 1, "the tool to start");
    controller.abort();
    await until(() => abortedRuns === abortedBefore + 1, "the tool to see the abort");
    await pending;
  });

  it("a 2026-07-28 call that is not aborted is answered by the tool", async () => {
    const runsBefore = started;
    const pending = call2026("application/json");
    await until(() => started === runsBefore + 1, "the tool to start");
    finish();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/"done":true/);
  });
});
