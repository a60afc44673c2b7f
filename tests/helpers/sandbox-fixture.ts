/**
 * The setup the Nextcloud client tests (notes, WebDAV) share: a test issuer
 * and a sandbox Nextcloud that trusts it, started once per test file, with the
 * sandbox's armed faults cleared before every test; plus the check that a
 * client call failed the way lib/nextcloud reports failures.
 *
 *   const nc = useNextcloudSandbox();
 *   it("…", async () => { const alice = await nc.connect("alice", ["notes.read"]); … });
 */
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { connectionFor } from "./nextcloud-connection";
import { startTestIssuer, type TestIssuer } from "./test-issuer";

export interface NextcloudSandboxFixture {
  readonly issuer: TestIssuer;
  readonly sandbox: Sandbox;
  /** A connection to the sandbox for `sub` with exactly `scopes` (see connectionFor). */
  connect(sub: string, scopes: string[]): Promise<NextcloudConnection>;
}

/** Registers the hooks; the fixture's fields are there from beforeAll on. */
export function useNextcloudSandbox(): NextcloudSandboxFixture {
  let issuer: TestIssuer | undefined;
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    sandbox = await startSandbox({ issuer: issuer.issuer, audience: "nextcloud", jwksCacheTtlMs: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await issuer?.close();
  });
  beforeEach(() => sandbox?.faults.clear());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useNextcloudSandbox: the sandbox starts in beforeAll");
    return value;
  };
  return {
    get issuer() {
      return started(issuer);
    },
    get sandbox() {
      return started(sandbox);
    },
    connect(sub, scopes) {
      return connectionFor(started(issuer), started(sandbox).url, sub, scopes);
    },
  };
}

/** Awaits a call that must fail, and returns its NextcloudRequestError. */
export async function requestFailure(promise: Promise<unknown>): Promise<NextcloudRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NextcloudRequestError);
  return error as NextcloudRequestError;
}
