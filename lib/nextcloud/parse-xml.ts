/**
 * A small, strict, namespace-aware XML reader for WebDAV bodies (RFC 4918
 * multistatus answers, RFC 5323 search requests). It is enough for what
 * WebDAV servers send — elements, attributes, namespaces (Namespaces in XML
 * 1.0), text, CDATA, character references, comments, processing
 * instructions — and refuses what WebDAV never needs and attackers love:
 * DOCTYPE and entity declarations (no XXE, no "billion laughs"; RFC 4918
 * §20.6), undefined entities, unbalanced tags, excessive depth or size, more
 * than MAX_ATTRIBUTES attributes on one element, a repeated attribute (XML 1.0
 * §3.1 "Unique Att Spec"). Attributes live in an object without prototype, so
 * `__proto__` or `constructor` are plain names.
 *
 * Kept over fast-xml-parser after measuring both (scripts/bench/xml-parsers.ts,
 * docs/architecture.md "WebDAV XML"): faster on a 1,000-entry multistatus, and
 * stricter on the attack bodies with no second validation pass.
 */

export interface XmlElement {
  /** Namespace URI ("" when none). */
  ns: string;
  local: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), concatenated. */
  text: string;
}

export class XmlParseError extends Error {
  constructor(message: string) {
    super(`Malformed XML: ${message}`);
    this.name = "XmlParseError";
  }
}

const MAX_DEPTH = 64;
/** WebDAV elements carry a handful (namespace declarations, CalDAV's comp name); 200,000 would cost seconds. */
export const MAX_ATTRIBUTES = 64;
const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$/;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  return value.replace(/&([^;&\s]{1,10});/g, (_, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) {
      const code = Number.parseInt(name.slice(2), 16);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlParseError(`bad character reference &${name};`);
      return String.fromCodePoint(code);
    }
    if (name.startsWith("#")) {
      const code = Number.parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlParseError(`bad character reference &${name};`);
      return String.fromCodePoint(code);
    }
    const predefined = PREDEFINED[name];
    if (predefined === undefined) throw new XmlParseError(`undefined entity &${name};`);
    return predefined;
  });
}

interface OpenElement {
  element: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

function resolve(qname: string, scope: Map<string, string>, isAttribute: boolean): { ns: string; local: string } {
  const colon = qname.indexOf(":");
  if (colon === -1) return { ns: isAttribute ? "" : (scope.get("") ?? ""), local: qname };
  const prefix = qname.slice(0, colon);
  if (prefix === "xml") return { ns: "http://www.w3.org/XML/1998/namespace", local: qname.slice(colon + 1) };
  const ns = scope.get(prefix);
  if (ns === undefined) throw new XmlParseError(`undeclared namespace prefix "${prefix}"`);
  return { ns, local: qname.slice(colon + 1) };
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/y;

export function parseXml(input: string, maxBytes = 8 * 1024 * 1024): XmlElement {
  if (input.length > maxBytes) throw new XmlParseError("document too large");
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let i = input.charCodeAt(0) === 0xfeff ? 1 : 0;

  while (i < input.length) {
    const lt = input.indexOf("<", i);
    const textEnd = lt === -1 ? input.length : lt;
    if (textEnd > i) {
      const text = input.slice(i, textEnd);
      if (stack.length > 0) stack[stack.length - 1]!.element.text += decodeEntities(text);
      else if (text.trim() !== "") throw new XmlParseError("text outside the root element");
    }
    if (lt === -1) break;
    if (input.startsWith("<!--", lt)) {
      const end = input.indexOf("-->", lt + 4);
      if (end === -1) throw new XmlParseError("unterminated comment");
      i = end + 3;
    } else if (input.startsWith("<![CDATA[", lt)) {
      const end = input.indexOf("]]>", lt + 9);
      if (end === -1 || stack.length === 0) throw new XmlParseError("misplaced or unterminated CDATA");
      stack[stack.length - 1]!.element.text += input.slice(lt + 9, end);
      i = end + 3;
    } else if (input.startsWith("<?", lt)) {
      const end = input.indexOf("?>", lt + 2);
      if (end === -1) throw new XmlParseError("unterminated processing instruction");
      i = end + 2;
    } else if (input.startsWith("<!", lt)) {
      throw new XmlParseError("DOCTYPE and entity declarations are not accepted");
    } else if (input.startsWith("</", lt)) {
      const end = input.indexOf(">", lt);
      if (end === -1) throw new XmlParseError("unterminated end tag");
      const qname = input.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.qname !== qname) throw new XmlParseError(`unexpected </${qname.slice(0, 40)}>`);
      i = end + 1;
    } else {
      let j = lt + 1;
      const nameMatch = /^[^\s/>]+/.exec(input.slice(j, j + 256));
      if (!nameMatch || !NAME.test(nameMatch[0])) throw new XmlParseError("bad element name");
      const qname = nameMatch[0];
      j += qname.length;
      const rawAttributes: [string, string][] = [];
      for (;;) {
        while (j < input.length && /\s/.test(input[j]!)) j++;
        if (input[j] === ">" || input.startsWith("/>", j)) break;
        ATTRIBUTE.lastIndex = j;
        const match = ATTRIBUTE.exec(input);
        if (!match) throw new XmlParseError(`bad attribute in <${qname}>`);
        if (rawAttributes.length >= MAX_ATTRIBUTES) throw new XmlParseError(`too many attributes in <${qname}>`);
        rawAttributes.push([match[1]!, decodeEntities(match[3] ?? match[4] ?? "")]);
        j = ATTRIBUTE.lastIndex;
      }
      const selfClosing = input.startsWith("/>", j);
      i = j + (selfClosing ? 2 : 1);

      const parentScope = stack.length > 0 ? stack[stack.length - 1]!.scope : new Map<string, string>();
      let scope = parentScope;
      for (const [name, value] of rawAttributes) {
        if (name === "xmlns" || name.startsWith("xmlns:")) {
          if (scope === parentScope) scope = new Map(parentScope);
          scope.set(name === "xmlns" ? "" : name.slice(6), value);
        }
      }
      const attributes = Object.create(null) as Record<string, string>;
      for (const [name, value] of rawAttributes) {
        if (name === "xmlns" || name.startsWith("xmlns:")) continue;
        const { ns, local } = resolve(name, scope, true);
        const key = ns ? `{${ns}}${local}` : local;
        if (key in attributes) throw new XmlParseError(`repeated attribute ${name.slice(0, 40)} in <${qname}>`);
        attributes[key] = value;
      }
      const { ns, local } = resolve(qname, scope, false);
      const element: XmlElement = { ns, local, attributes, children: [], text: "" };
      if (stack.length > 0) stack[stack.length - 1]!.element.children.push(element);
      else if (root) throw new XmlParseError("more than one root element");
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new XmlParseError("nested too deeply");
        stack.push({ element, qname, scope });
      }
    }
  }
  if (stack.length > 0) throw new XmlParseError(`<${stack[stack.length - 1]!.qname}> is never closed`);
  if (!root) throw new XmlParseError("no root element");
  return root;
}

export const DAV_NS = "DAV:";
export const OC_NS = "http://owncloud.org/ns";
export const NC_NS = "http://nextcloud.org/ns";

export function childrenNamed(element: XmlElement, ns: string, local: string): XmlElement[] {
  return element.children.filter((c) => c.ns === ns && c.local === local);
}

export function childNamed(element: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return element?.children.find((c) => c.ns === ns && c.local === local);
}

export function escapeXmlText(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}
