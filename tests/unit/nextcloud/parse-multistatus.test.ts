import { describe, expect, it } from "vitest";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { parseMultistatus } from "@/lib/nextcloud/parse-multistatus";
import { parseXml, XmlParseError } from "@/lib/nextcloud/parse-xml";
import { likeLiteral, searchRequestBody } from "@/lib/nextcloud/search-files";
import { userIdFromPrincipal } from "@/lib/nextcloud/resolve-dav-user";

// The shape of a real Nextcloud 30 PROPFIND answer (depth 1), prefixes as Nextcloud writes them.
const NEXTCLOUD_ANSWER = `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
 <d:response>
  <d:href>/remote.php/dav/files/alice/Documents/</d:href>
  <d:propstat>
   <d:prop>
    <d:getlastmodified>Tue, 05 Mar 2024 10:11:12 GMT</d:getlastmodified>
    <d:getetag>&quot;65e6f0f0a1b2c&quot;</d:getetag>
    <d:resourcetype><d:collection/></d:resourcetype>
    <oc:fileid>1234</oc:fileid>
    <oc:size>2048</oc:size>
    <oc:favorite>1</oc:favorite>
    <oc:permissions>RGDNVCK</oc:permissions>
   </d:prop>
   <d:status>HTTP/1.1 200 OK</d:status>
  </d:propstat>
  <d:propstat>
   <d:prop><d:getcontenttype/><d:getcontentlength/></d:prop>
   <d:status>HTTP/1.1 404 Not Found</d:status>
  </d:propstat>
 </d:response>
 <d:response>
  <d:href>/remote.php/dav/files/alice/Documents/Read%20me%20%26%20%23notes.md</d:href>
  <d:propstat>
   <d:prop>
    <d:getlastmodified>Tue, 05 Mar 2024 10:11:12 GMT</d:getlastmodified>
    <d:getetag>"abc123"</d:getetag>
    <d:getcontenttype>text/markdown</d:getcontenttype>
    <d:getcontentlength>2048</d:getcontentlength>
    <d:resourcetype/>
    <oc:fileid>1235</oc:fileid>
    <oc:favorite>0</oc:favorite>
   </d:prop>
   <d:status>HTTP/1.1 200 OK</d:status>
  </d:propstat>
 </d:response>
 <d:response><d:href>/remote.php/dav/files/bob/other.txt</d:href><d:propstat><d:prop/><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
</d:multistatus>`;

describe("parseMultistatus", () => {
  it("reads Nextcloud's properties for folders and files", () => {
    const [folder, file, ...rest] = parseMultistatus(NEXTCLOUD_ANSWER, "alice");
    expect(rest).toEqual([]);
    expect(folder).toEqual({
      segments: ["Documents"],
      name: "Documents",
      type: "directory",
      size: 2048,
      lastModified: "2024-03-05T10:11:12.000Z",
      etag: '"65e6f0f0a1b2c"',
      contentType: null,
      fileId: "1234",
      favorite: true,
      permissions: "RGDNVCK",
    });
    expect(file).toMatchObject({ segments: ["Documents", "Read me & #notes.md"], type: "file", size: 2048, contentType: "text/markdown", etag: '"abc123"', fileId: "1235", favorite: false, permissions: null });
  });

  it("accepts other prefixes and a default namespace", () => {
    const xml = `<multistatus xmlns="DAV:" xmlns:x="http://owncloud.org/ns"><response><href>/remote.php/dav/files/alice/a.txt</href><propstat><prop><getcontentlength>5</getcontentlength><x:fileid>9</x:fileid></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`;
    expect(parseMultistatus(xml, "alice")).toMatchObject([{ name: "a.txt", size: 5, fileId: "9", type: "file" }]);
  });

  it("refuses what is not a multistatus, without echoing it", () => {
    for (const body of ["<html><body>Login</body></html>", "not xml at all", "<d:error xmlns:d='DAV:'/>"]) {
      const error = (() => {
        try {
          parseMultistatus(body, "alice");
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(NextcloudRequestError);
      expect((error as Error).message).not.toContain(body.slice(0, 10));
    }
  });
});

describe("parseXml", () => {
  it("resolves namespaces, entities, CDATA and character references", () => {
    const root = parseXml(`<?xml version="1.0"?><!-- c --><a:r xmlns:a="urn:a" xmlns="urn:d" k="&lt;v&gt;"><child>x &amp; y &#65;&#x42;<![CDATA[<raw>]]></child><a:e/></a:r>`);
    expect(root).toMatchObject({ ns: "urn:a", local: "r", attributes: { k: "<v>" } });
    expect(root.children[0]).toMatchObject({ ns: "urn:d", local: "child", text: "x & y AB<raw>" });
    expect(root.children[1]).toMatchObject({ ns: "urn:a", local: "e" });
  });

  it.each([
    ['<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', /DOCTYPE/],
    ['<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>', /DOCTYPE/],
    ["<x>&xxe;</x>", /undefined entity/],
    ["<x><y></x>", /unexpected/],
    ["<x>", /never closed/],
    ["<p:x/>", /undeclared namespace/],
    ["<x/><y/>", /more than one root/],
    ["text", /outside the root|no root/],
    [`${"<a>".repeat(100)}${"</a>".repeat(100)}`, /nested too deeply/],
  ])("refuses %j", (xml, reason) => {
    expect(() => parseXml(xml)).toThrow(XmlParseError);
    expect(() => parseXml(xml)).toThrow(reason);
  });
});

describe("SEARCH request and principal", () => {
  it("escapes like wildcards and XML in the query", () => {
    expect(likeLiteral("100%_a\\b")).toBe("%100\\%\\_a\\\\b%");
    const body = searchRequestBody("/files/alice/A&B", "<x>", 10);
    const root = parseXml(body);
    expect(root.local).toBe("searchrequest");
    expect(body).toContain("<d:href>/files/alice/A&amp;B</d:href>");
    expect(body).toContain("<d:literal>%&lt;x&gt;%</d:literal>");
    expect(body).toContain("<d:nresults>10</d:nresults>");
  });

  it("extracts the user id from a principal href", () => {
    expect(userIdFromPrincipal("/remote.php/dav/principals/users/alice/")).toBe("alice");
    expect(userIdFromPrincipal("https://c.example/nc/remote.php/dav/principals/users/a%40b.c/")).toBe("a@b.c");
    expect(userIdFromPrincipal("/remote.php/dav/principals/users/")).toBeUndefined();
    expect(userIdFromPrincipal("/remote.php/dav/principals/users/../")).toBeUndefined();
    expect(userIdFromPrincipal("/remote.php/dav/principals/groups/admin/")).toBeUndefined();
  });
});
