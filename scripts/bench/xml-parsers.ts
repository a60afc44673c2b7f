/**
 * The XML decision (docs/architecture.md, "WebDAV XML"): the hand-written
 * reader in lib/nextcloud/parse-xml.ts against fast-xml-parser on a
 * 1,000-entry PROPFIND multistatus shaped like Nextcloud's, and both against
 * the attack bodies a hostile or broken server could send.
 *
 *   npx tsx scripts/bench/xml-parsers.ts [--entries 1000] [--runs 40]
 *
 * fast-xml-parser is not namespace-aware: its candidate below resolves the
 * prefixes of its preserveOrder output into the same XmlElement tree, which
 * is what the DAV clients need (Nextcloud, Radicale and others use different
 * prefixes for the same namespace). "fxp+validate" also runs its
 * XMLValidator first, for the well-formedness checks the hand-written reader
 * makes as it parses (balanced tags, one root).
 */
import { performance } from "node:perf_hooks";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseXml, type XmlElement } from "@/lib/nextcloud/parse-xml";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ENTRIES = option("entries", 1000);
const RUNS = option("runs", 40);

// ── the candidate: fast-xml-parser output resolved into XmlElement ──────────

type FxpNode = Record<string, unknown> & { ":@"?: Record<string, string> };
const fxp = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: "#cdata",
  processEntities: true,
  // Without it, fast-xml-parser 5 leaves numeric character references (&#13; &#233;) undecoded.
  htmlEntities: true,
  maxNestedTags: 64,
});

function resolveName(qname: string, scope: Map<string, string>, attribute: boolean): { ns: string; local: string } {
  const colon = qname.indexOf(":");
  if (colon === -1) return { ns: attribute ? "" : (scope.get("") ?? ""), local: qname };
  const ns = scope.get(qname.slice(0, colon));
  if (ns === undefined) throw new Error(`undeclared namespace prefix "${qname.slice(0, colon)}"`);
  return { ns, local: qname.slice(colon + 1) };
}

function toElement(node: FxpNode, parentScope: Map<string, string>): XmlElement {
  const qname = Object.keys(node).find((k) => k !== ":@")!;
  const raw = node[":@"] ?? {};
  let scope = parentScope;
  for (const [name, value] of Object.entries(raw)) {
    if (name === "xmlns" || name.startsWith("xmlns:")) {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(name === "xmlns" ? "" : name.slice(6), value);
    }
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === "xmlns" || name.startsWith("xmlns:")) continue;
    const { ns, local } = resolveName(name, scope, true);
    attributes[ns ? `{${ns}}${local}` : local] = value;
  }
  const element: XmlElement = { ...resolveName(qname, scope, false), attributes, children: [], text: "" };
  for (const child of node[qname] as FxpNode[]) {
    if ("#text" in child) element.text += String(child["#text"]);
    else if ("#cdata" in child) element.text += (child["#cdata"] as { "#text": string }[]).map((t) => t["#text"]).join("");
    else element.children.push(toElement(child, scope));
  }
  return element;
}

function parseWithFxp(input: string, validate: boolean): XmlElement {
  if (validate) {
    const verdict = XMLValidator.validate(input);
    if (verdict !== true) throw new Error(verdict.err.msg);
  }
  const roots = (fxp.parse(input) as FxpNode[]).filter((n) => !("#text" in n));
  if (roots.length !== 1) throw new Error(`${roots.length} root elements`);
  return toElement(roots[0]!, new Map());
}

const PARSERS: [string, (input: string) => XmlElement][] = [
  ["hand-written", (input) => parseXml(input)],
  ["fxp", (input) => parseWithFxp(input, false)],
  ["fxp+validate", (input) => parseWithFxp(input, true)],
];

// ── correctness: the same tree from both ────────────────────────────────────

function multistatus(entries: number): string {
  const responses: string[] = [];
  for (let i = 0; i < entries; i++) {
    const dir = i % 10 === 0;
    responses.push(` <d:response>
  <d:href>/remote.php/dav/files/alice/Documents/file%20${i}${dir ? "/" : ".md"}</d:href>
  <d:propstat>
   <d:prop>
    <d:getlastmodified>Tue, 05 Mar 2024 10:11:12 GMT</d:getlastmodified>
    <d:getetag>&quot;65e6f0f0a1b2c${i}&quot;</d:getetag>
    ${dir ? "<d:resourcetype><d:collection/></d:resourcetype>" : "<d:resourcetype/><d:getcontenttype>text/markdown</d:getcontenttype><d:getcontentlength>2048</d:getcontentlength>"}
    <oc:fileid>${1000 + i}</oc:fileid>
    <oc:size>2048</oc:size>
    <oc:favorite>${i % 7 === 0 ? 1 : 0}</oc:favorite>
    <oc:permissions>RGDNVW</oc:permissions>
   </d:prop>
   <d:status>HTTP/1.1 200 OK</d:status>
  </d:propstat>
  <d:propstat>
   <d:prop><x:displayname xmlns:x="DAV:">Caf&#233; &amp; &lt;notes&gt; ${i}</x:displayname><nc:note><![CDATA[<b>raw</b> & ${i}]]></nc:note></d:prop>
   <d:status>HTTP/1.1 404 Not Found</d:status>
  </d:propstat>
 </d:response>`);
  }
  return `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
${responses.join("\n")}
</d:multistatus>`;
}

// The shape of a Radicale / Nextcloud REPORT answer with a default namespace and other prefixes.
const REPORT = `<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/cal/a.ics</href><propstat><prop><getetag>"1"</getetag><C:calendar-data>BEGIN:VCALENDAR&#13;
SUMMARY:Tea &amp; cake
END:VCALENDAR</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response><response><href>/cal/b.ics</href><propstat><prop><getetag/><C:calendar-data><![CDATA[BEGIN:VCALENDAR
END:VCALENDAR]]></C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`;

function sameTree(a: XmlElement, b: XmlElement): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ── attacks ─────────────────────────────────────────────────────────────────

const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`).join("")}]><d:multistatus xmlns:d="DAV:"><d:response><d:href>&lol9;</d:href></d:response></d:multistatus>`;
const ATTACKS: [string, string][] = [
  ["billion laughs (DOCTYPE, nested entities)", laughs],
  ["external entity (XXE, SYSTEM file:)", `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d:multistatus xmlns:d="DAV:"><d:href>&xxe;</d:href></d:multistatus>`],
  ["quadratic blowup (one 50 KB entity used 2,000 times)", `<!DOCTYPE d [<!ENTITY a "${"a".repeat(50_000)}">]><d:multistatus xmlns:d="DAV:"><d:href>${"&a;".repeat(2_000)}</d:href></d:multistatus>`],
  ["deep nesting (100,000 levels)", `${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`],
  ["huge attribute (8 MB)", `<d:multistatus xmlns:d="DAV:" x="${"a".repeat(8 * 1024 * 1024 - 100)}"/>`],
  ["200,000 attributes", `<d:multistatus xmlns:d="DAV:" ${Array.from({ length: 200_000 }, (_, i) => `a${i}="1"`).join(" ")}/>`],
  ["__proto__ attribute and element", `<d:multistatus xmlns:d="DAV:" __proto__="x" constructor="y"><__proto__/></d:multistatus>`],
  ["unbalanced tags", `<d:multistatus xmlns:d="DAV:"><d:response></d:multistatus>`],
  ["unclosed root", `<d:multistatus xmlns:d="DAV:"><d:response/>`],
  ["two roots", `<d:multistatus xmlns:d="DAV:"/><d:multistatus xmlns:d="DAV:"/>`],
  ["undeclared prefix", `<p:multistatus/>`],
  ["unterminated comment, 4 MB", `<d:multistatus xmlns:d="DAV:"><!--${"-".repeat(4 * 1024 * 1024)}`],
];

function attempt(parse: (input: string) => XmlElement, input: string): { ms: number; outcome: string } {
  const start = performance.now();
  let outcome: string;
  try {
    const root = parse(input);
    const text = JSON.stringify(root).length;
    outcome = `parsed (${text.toLocaleString("en")} chars of tree)`;
  } catch (error) {
    outcome = `refused: ${(error instanceof Error ? error.message : String(error)).slice(0, 70)}`;
  }
  return { ms: performance.now() - start, outcome };
}

// ── speed ───────────────────────────────────────────────────────────────────

/** The parsers take turns run by run, so a busy machine slows each of them alike. */
function measureAll(input: string): Map<string, { p50: number; min: number }> {
  for (let i = 0; i < 5; i++) for (const [, parse] of PARSERS) parse(input);
  const times = new Map<string, number[]>(PARSERS.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, parse] of PARSERS) {
      const start = performance.now();
      parse(input);
      times.get(name)!.push(performance.now() - start);
    }
  }
  return new Map(
    [...times].map(([name, list]) => {
      list.sort((a, b) => a - b);
      return [name, { p50: list[Math.floor(list.length / 2)]!, min: list[0]! }];
    }),
  );
}

const body = multistatus(ENTRIES);
console.log(`Node ${process.version}; ${ENTRIES}-entry multistatus: ${(body.length / 1024).toFixed(0)} KB; ${RUNS} runs each, taking turns, after 5 warm-up`);

console.log("\nCorrectness (same XmlElement tree as the hand-written reader):");
for (const [name, input] of [["1,000-entry PROPFIND", body], ["REPORT, default namespace, CDATA, &#13;", REPORT]] as const) {
  const reference = parseXml(input);
  for (const [parser, parse] of PARSERS.slice(1)) console.log(`  ${name.padEnd(40)} ${parser.padEnd(13)} ${sameTree(reference, parse(input)) ? "same" : "DIFFERENT"}`);
}

console.log("\nSpeed (ms per parse of the multistatus, p50 / min):");
for (const [name, { p50, min }] of measureAll(body)) {
  console.log(`  ${name.padEnd(13)} ${p50.toFixed(2).padStart(8)} / ${min.toFixed(2).padStart(8)}   ${(body.length / 1024 / 1024 / (p50 / 1000)).toFixed(1)} MB/s`);
}

console.log("\nAttack bodies (time, outcome):");
for (const [attack, input] of ATTACKS) {
  console.log(`  ${attack}`);
  for (const [name, parse] of PARSERS) {
    const { ms, outcome } = attempt(parse, input);
    console.log(`    ${name.padEnd(13)} ${ms.toFixed(1).padStart(8)} ms  ${outcome}`);
  }
}
