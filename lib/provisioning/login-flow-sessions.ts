/**
 * Server-side state of one Nextcloud Login Flow v2 (app-password mode),
 * between its start (after the Flow 2 callback) and its end: keyed by
 * sha256 of a random id that only the person's browser holds (an HttpOnly
 * cookie), holding the poll token sealed to that hash. Bounded in time
 * (LOGIN_FLOW_TTL_SECONDS, inside Nextcloud's own 20 minutes; tests shorten
 * it with TEST_LOGIN_FLOW_TTL_SECONDS, refused outside NODE_ENV=test); an
 * expired row is a timeout.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { open, seal } from "@/lib/crypto/envelope";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { loginFlowContext } from "./secret-contexts";

export const LOGIN_FLOW_TTL_SECONDS = 600;
export const LOGIN_FLOW_COOKIE = "nc_login_flow";

/** The limit in effect: LOGIN_FLOW_TTL_SECONDS, or the test-only override. */
export const loginFlowTtlSeconds = () => getConfig().TEST_LOGIN_FLOW_TTL_SECONDS ?? LOGIN_FLOW_TTL_SECONDS;

const hashId = (id: string) => createHash("sha256").update(id).digest("base64url");
const secretSchema = z.union([z.object({ pollToken: z.string() }), z.object({ appPassword: z.string() })]);

export interface LoginFlowSession {
  idHash: string;
  userId: string;
  clientId: string | null;
  tool: string | null;
  expectedLoginName: string | null;
  strictMapping: boolean;
  loginUrl: string;
  pollPath: string;
  status: "polling" | "confirm";
  loginName: string | null;
  expiresAt: Date;
  secret: { pollToken: string } | { appPassword: string };
}

export interface NewLoginFlow {
  userId: string;
  clientId?: string | null;
  tool?: string | null;
  expectedLoginName?: string | null;
  strictMapping: boolean;
  loginUrl: string;
  pollPath: string;
  pollToken: string;
}

/** Stores the flow; returns the id for the browser's cookie. */
export async function createLoginFlowSession(input: NewLoginFlow, now = Date.now()): Promise<string> {
  const id = randomBytes(18).toString("base64url");
  const idHash = hashId(id);
  const sealed = await seal(JSON.stringify({ pollToken: input.pollToken }), loginFlowContext(idHash));
  const prisma = await db();
  await prisma.loginFlowSession.deleteMany({ where: { expiresAt: { lt: new Date(now - 3_600_000) } } });
  await prisma.loginFlowSession.create({
    data: {
      idHash,
      userId: input.userId,
      clientId: input.clientId ?? null,
      tool: input.tool ?? null,
      expectedLoginName: input.expectedLoginName ?? null,
      strictMapping: input.strictMapping,
      loginUrl: input.loginUrl,
      pollEndpoint: input.pollPath,
      sealed: sealed.ciphertext,
      expiresAt: new Date(now + loginFlowTtlSeconds() * 1000),
    },
  });
  return id;
}

export async function findLoginFlowSession(id: unknown): Promise<LoginFlowSession | undefined> {
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]{24}$/.test(id)) return undefined;
  const idHash = hashId(id);
  const row = await (await db()).loginFlowSession.findUnique({ where: { idHash } });
  if (!row) return undefined;
  const secret = secretSchema.parse(JSON.parse(await open(row.sealed, loginFlowContext(idHash))));
  return {
    idHash,
    userId: row.userId,
    clientId: row.clientId,
    tool: row.tool,
    expectedLoginName: row.expectedLoginName,
    strictMapping: row.strictMapping,
    loginUrl: row.loginUrl,
    pollPath: row.pollEndpoint,
    status: row.status === "confirm" ? "confirm" : "polling",
    loginName: row.loginName,
    expiresAt: row.expiresAt,
    secret,
  };
}

/** Polling → waiting for the person to confirm a different Nextcloud account; the app password replaces the poll token. */
export async function awaitConfirmation(session: LoginFlowSession, loginName: string, appPassword: string): Promise<void> {
  const sealed = await seal(JSON.stringify({ appPassword }), loginFlowContext(session.idHash));
  await (await db()).loginFlowSession.update({ where: { idHash: session.idHash }, data: { status: "confirm", loginName, sealed: sealed.ciphertext } });
}

/** Ends the flow; true for the one caller that removed it (two tabs cannot both finish it). */
export async function endLoginFlowSession(idHash: string): Promise<boolean> {
  const { count } = await (await db()).loginFlowSession.deleteMany({ where: { idHash } });
  return count === 1;
}
