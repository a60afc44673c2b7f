/**
 * The sandbox's Login Flow v2 and app passwords, as Nextcloud behaves: the
 * poll answers 404 until granted, then once the credentials, then 404; the
 * app password works with Basic auth on every API (no OCS-APIRequest
 * needed); deleting it makes it 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";

describe("sandbox Login Flow v2", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ issuer: "http://127.0.0.1:9/unused", seedUsers: ["*"] });
  });
  afterAll(() => sandbox.close());

  const poll = (token: string) => fetch(`${sandbox.url}/index.php/login/v2/poll`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token }) });

  it("grants once, then 404; the app password works with Basic until it is deleted", async () => {
    const started = (await (await fetch(`${sandbox.url}/index.php/login/v2`, { method: "POST", headers: { "user-agent": "unit test" } })).json()) as { poll: { token: string; endpoint: string }; login: string };
    expect(started.poll.endpoint).toBe(`${sandbox.url}/index.php/login/v2/poll`);
    expect((await poll(started.poll.token)).status).toBe(404);

    const page = await fetch(started.login);
    expect(await page.text()).toMatch(/Nextcloud sandbox/);
    const wrong = await fetch(started.login, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ user: "erin", password: "nope", decision: "grant" }) });
    expect(wrong.status).toBe(401);
    await fetch(started.login, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ user: "erin", password: "erin", decision: "grant" }) });

    const granted = await poll(started.poll.token);
    expect(granted.status).toBe(200);
    const credentials = (await granted.json()) as { server: string; loginName: string; appPassword: string };
    expect(credentials).toMatchObject({ server: sandbox.url, loginName: "erin" });
    expect((await poll(started.poll.token)).status).toBe(404);

    const basic = { authorization: `Basic ${Buffer.from(`erin:${credentials.appPassword}`).toString("base64")}` };
    const notes = await fetch(`${sandbox.url}/index.php/apps/notes/api/v1/notes`, { headers: basic });
    expect(notes.status).toBe(200);
    const user = await fetch(`${sandbox.url}/ocs/v2.php/cloud/user?format=json`, { headers: basic });
    expect(user.status).toBe(200);

    const deleted = await fetch(`${sandbox.url}/ocs/v2.php/core/apppassword`, { method: "DELETE", headers: { ...basic, "OCS-APIRequest": "true" } });
    expect(deleted.status).toBe(200);
    expect((await fetch(`${sandbox.url}/index.php/apps/notes/api/v1/notes`, { headers: basic })).status).toBe(401);
    expect((await fetch(`${sandbox.url}/ocs/v2.php/core/apppassword`, { method: "DELETE", headers: basic })).status).toBe(401);
  });

  it("a denied flow stays 404, as in Nextcloud", async () => {
    const started = (await (await fetch(`${sandbox.url}/index.php/login/v2`, { method: "POST" })).json()) as { poll: { token: string }; login: string };
    await fetch(started.login, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ decision: "deny" }) });
    expect((await poll(started.poll.token)).status).toBe(404);
    expect((await fetch(started.login)).status).toBe(404);
  });
});
