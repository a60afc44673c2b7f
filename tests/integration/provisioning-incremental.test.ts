/**
 * Incremental consent and URL-mode elicitation: a client that declared
 * `elicitation.url` gets the provisioning link as a -32042 error; a later
 * request for more scopes asks only for what is missing and keeps what was
 * granted.
 */
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { testDbKind } from "../helpers/databases";
import { ALICE, openProvisioningLink, PersonClient, startProvisioningStack, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();

describe(`incremental provisioning and URL elicitation on ${kind}`, () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;

  beforeAll(async () => {
    stack = await startProvisioningStack();
    // Alice lets this client see her account and read notes, nothing else (consent page choices).
    alice = await new PersonClient(stack, ALICE, { urlElicitation: true, untick: offeredResourceScopes().filter((s) => s !== "account.read" && s !== "notes.read") }).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  let link: string;
  it("a client that supports URL elicitation gets -32042 with the provisioning link", async () => {
    const error = await alice.call("nc_get_user_info").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32042);
    const [elicitation] = ((error as McpError).data as { elicitations: { mode: string; url: string; message: string; elicitationId: string }[] }).elicitations;
    expect(elicitation).toMatchObject({ mode: "url", message: expect.stringMatching(/account\.read/) });
    expect(elicitation!.url).toMatch(new RegExp(`^${stack.app.url}/oauth/authorize-nextcloud\\?request=[A-Za-z0-9_-]{24}$`));
    // One clear message: the code appears once (the client adds it), the sentence names the tool to call again,
    // and it does not repeat the elicitation's own message.
    const message = (error as McpError).message;
    expect(message.match(/-32042/g)).toHaveLength(1);
    expect(message).toMatch(/call nc_get_user_info again/);
    expect(message).not.toContain(elicitation!.message);
    link = elicitation!.url;
  });

  it("after consent the same call succeeds", async () => {
    // The page offers both of the client's scopes; Alice grants this server her account only, for now.
    expect((await openProvisioningLink(link, ALICE, { untick: ["notes.read"] })).outcome).toBe("provisioned");
    const result = await alice.call("nc_get_user_info");
    expect(result.isError).toBeFalsy();
  });

  it("asking for one more scope shows only what is new, keeps the old, and the grant then holds both", async () => {
    const asked = await alice.call("provision_nextcloud_access", { scopes: ["account.read", "notes.read"] });
    expect(asked.structuredContent).toMatchObject({ status: "link_created", requested_scopes: ["notes.read"], granted_scopes: ["account.read"] });
    const url = (asked.structuredContent as { provisioning_url: string }).provisioning_url;
    const page = await (await fetch(url)).text();
    expect(page).toMatch(/data-testid="requested-scopes"[\s\S]*data-scope="notes.read"/);
    expect(page).toMatch(/data-testid="kept-scopes"[\s\S]*data-scope="account.read"/);
    expect(page.match(/data-testid="requested-scopes"[\s\S]*?<\/ul>/)![0]).not.toContain("account.read");

    const visit = await openProvisioningLink(url, ALICE);
    expect(visit.outcome).toBe("provisioned");
    expect(visit.resultPage).toMatch(/data-testid="added-scopes"[\s\S]*?data-scope="notes.read"[\s\S]*?<\/ul>/);
    const status = await alice.call("check_provisioning_status");
    expect((status.structuredContent as { scopes: string[] }).scopes.sort()).toEqual(["account.read", "notes.read"]);
    // What was granted before still works.
    expect((await alice.call("nc_get_user_info")).isError).toBeFalsy();
  });
});
