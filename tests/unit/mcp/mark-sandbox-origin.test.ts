import { describe, expect, it } from "vitest";
import { markSandboxOrigin, SANDBOX_LABEL, SANDBOX_META_KEY } from "@/lib/mcp/mark-sandbox-origin";

describe("markSandboxOrigin", () => {
  it("prefixes the first text block and sets _meta, keeping other content and structured results", () => {
    const marked = markSandboxOrigin({
      content: [{ type: "text", text: "Created the folder /Work." }, { type: "text", text: "second" }],
      structuredContent: { path: "/Work" },
      _meta: { other: 1 },
    });
    expect(marked.content[0]).toEqual({ type: "text", text: `${SANDBOX_LABEL} Created the folder /Work.` });
    expect(marked.content[1]).toEqual({ type: "text", text: "second" });
    expect(marked.structuredContent).toEqual({ path: "/Work" });
    expect(marked._meta).toEqual({ other: 1, [SANDBOX_META_KEY]: true });
  });

  it("adds a label block when the result starts with something else, and marks errors too", () => {
    const marked = markSandboxOrigin({ content: [{ type: "resource", resource: { uri: "x:y", blob: "", mimeType: "image/png" } }], isError: true });
    expect(marked.content[0]).toEqual({ type: "text", text: SANDBOX_LABEL });
    expect(marked.content).toHaveLength(2);
    expect(marked.isError).toBe(true);
  });
});
