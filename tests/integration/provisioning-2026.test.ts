/**
 * Provisioning with the v2 SDK client on MCP 2026-07-28, end to end on the
 * production build with the built-in IdP and the Nextcloud sandbox:
 *  - a client that declares URL-mode elicitation gets `input_required` with
 *    the provisioning URL; the person opens it and consents; the SDK retries
 *    the same call with the server's sealed `requestState` and it runs — no
 *    server-side session in between;
 *  - a client that does not gets the link in the tool result, as on 2025-11-25;
 *  - the grant is the person's, whatever the era: a 2025-11-25 client of the
 *    same person uses it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODERN_PROTOCOL } from "../helpers/mcp-client";
import { ALICE, BOB, linkIn, openProvisioningLink, PersonClient, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

describe("provisioning on MCP 2026-07-28 with the v2 SDK client", () => {
  let stack: ProvisioningStack;
  const clients: PersonClient[] = [];
  const connect = async (client: PersonClient) => {
    clients.push(client);
    return client.connect();
  };

  beforeAll(async () => {
    stack = await startProvisioningStack();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await stack?.stop();
  });

  it("URL mode: input_required → the person provisions → the SDK's retry with the requestState runs the tool", async () => {
    const alice = await connect(new PersonClient(stack, ALICE, { protocol: MODERN_PROTOCOL, urlElicitation: true }));
    expect(alice.modern!.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
    expect(await alice.toolNames()).toContain("nc_get_user_info");
    const result = await alice.call("nc_get_user_info");
    expect(alice.openedLinks).toHaveLength(1);
    expect(alice.openedLinks[0]).toMatchObject({ url: expect.stringMatching(new RegExp(`^${stack.app.url}/oauth/authorize-nextcloud\\?request=`)), outcome: "provisioned" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: "alice", sandbox: true });
  });

  it("the same person on a 2025-11-25 client uses the grant at once", async () => {
    const legacy = await connect(new PersonClient(stack, ALICE));
    const result = await legacy.call("nc_get_user_info");
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: "alice" });
  });

  it("without URL mode: the link in the tool result; after the visit the call runs", async () => {
    const bob = await connect(new PersonClient(stack, BOB, { protocol: MODERN_PROTOCOL }));
    const first = await bob.call("nc_get_user_info");
    expect(first.isError).toBe(true);
    const link = linkIn(textOf(first));
    expect(link).toBeDefined();
    expect((await openProvisioningLink(link!, BOB)).outcome).toBe("provisioned");
    const second = await bob.call("nc_get_user_info");
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent).toMatchObject({ id: "bob" });
  });
});
