/**
 * The dashboard's one-click install links (lib/dashboard/client-install-links.ts):
 * decoded back, each carries exactly this server's name, transport and MCP
 * endpoint URL in the form the client documents.
 */
import { describe, expect, it } from "vitest";
import { cursorInstallLink, reachableFromTheCloud, vscodeInstallLink } from "@/lib/dashboard/client-install-links";

const MCP = "https://mcp.example.com/api/mcp";

describe("VS Code install link", () => {
  it("is vscode:mcp/install? followed by the URL-encoded server entry", () => {
    const link = vscodeInstallLink(MCP);
    expect(link).toBe("vscode:mcp/install?%7B%22name%22%3A%22nextcloud%22%2C%22type%22%3A%22http%22%2C%22url%22%3A%22https%3A%2F%2Fmcp.example.com%2Fapi%2Fmcp%22%7D");
    const json = decodeURIComponent(link.slice("vscode:mcp/install?".length));
    expect(JSON.parse(json)).toEqual({ name: "nextcloud", type: "http", url: MCP });
  });

  it("keeps characters of the URL that mean something in a query intact", () => {
    const url = "https://h.example/base path/api/mcp?x=1&y=2#f";
    const link = vscodeInstallLink(url);
    expect(link.slice("vscode:mcp/install?".length)).not.toMatch(/[&#? ]/);
    expect(JSON.parse(decodeURIComponent(link.slice("vscode:mcp/install?".length))).url).toBe(url);
  });
});

describe("Cursor install link", () => {
  it("is cursor://anysphere.cursor-deeplink/mcp/install with the name and the base64 server entry", () => {
    const link = cursorInstallLink(MCP);
    expect(link).toBe(`cursor://anysphere.cursor-deeplink/mcp/install?name=nextcloud&config=${encodeURIComponent(Buffer.from('{"url":"https://mcp.example.com/api/mcp"}').toString("base64"))}`);
    const parsed = new URL(link);
    expect(parsed.protocol).toBe("cursor:");
    expect(parsed.host).toBe("anysphere.cursor-deeplink");
    expect(parsed.pathname).toBe("/mcp/install");
    expect(parsed.searchParams.get("name")).toBe("nextcloud");
    expect(JSON.parse(Buffer.from(parsed.searchParams.get("config")!, "base64").toString("utf8"))).toEqual({ url: MCP });
  });

  it("encodes the base64 characters that a query would misread (+ / =)", () => {
    // A URL whose base64 form holds "+" and "/" and ends in "=" padding.
    const url = "https://a.example/api/mcp?>>>";
    const raw = Buffer.from(JSON.stringify({ url })).toString("base64");
    expect(raw).toMatch(/[+/=]/);
    const config = cursorInstallLink(url).split("&config=")[1]!;
    expect(config).not.toMatch(/[+/=]/);
    expect(JSON.parse(Buffer.from(new URL(cursorInstallLink(url)).searchParams.get("config")!, "base64").toString()).url).toBe(url);
  });
});

describe("reachableFromTheCloud", () => {
  it("needs https on a name that is not loopback", () => {
    expect(reachableFromTheCloud(MCP)).toBe(true);
    expect(reachableFromTheCloud("http://mcp.example.com/api/mcp")).toBe(false);
    expect(reachableFromTheCloud("https://localhost:3000/api/mcp")).toBe(false);
    expect(reachableFromTheCloud("http://127.0.0.1:3000/api/mcp")).toBe(false);
    expect(reachableFromTheCloud("https://[::1]/api/mcp")).toBe(false);
  });
});
