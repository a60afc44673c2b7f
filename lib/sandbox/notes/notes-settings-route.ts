/**
 * The Notes app's settings, API v1 (apps/notes docs/api/v1.md): GET and PUT
 * /index.php/apps/notes/api/v1/settings with `notesPath`, `fileSuffix` and
 * `noteMode`, per user. Like the notes themselves it is a `#[CORS]` app API
 * (bearer requests need `OCS-APIRequest: true`); notes.read to read,
 * notes.write to change.
 */
import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { SandboxRoute } from "../route-table";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";

export const NOTES_SETTINGS_PATH = "/index.php/apps/notes/api/v1/settings";

const settingsInput = z
  .object({
    notesPath: z.string().min(1).max(255).optional(),
    fileSuffix: z.enum([".md", ".txt"]).optional(),
    noteMode: z.enum(["edit", "preview", "rich"]).optional(),
  })
  .strip();
type Settings = Required<z.output<typeof settingsInput>>;
const DEFAULTS: Settings = { notesPath: "Notes", fileSuffix: ".md", noteMode: "edit" };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache, no-store, must-revalidate" });
  res.end(JSON.stringify(body));
}

export function notesSettingsRoute(): SandboxRoute {
  const byUser = new Map<string, Settings>();
  return {
    name: "Notes API v1 settings",
    path: NOTES_SETTINGS_PATH,
    match: "exact",
    api: "app",
    scopes: { GET: ["notes.read"], PUT: ["notes.write"] },
    sendError: (_req, res, _url, error) => sendJson(res, error.status, { status: error.status, message: error.message }),
    async handle({ req, res, user }) {
      const current = byUser.get(user.id) ?? DEFAULTS;
      if (req.method !== "PUT") return sendJson(res, 200, current);
      let raw: unknown;
      try {
        const body = (await readRequestBody(req, 64 * 1024)).toString("utf8");
        raw = body.trim() === "" ? {} : JSON.parse(body);
      } catch (error) {
        return sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, { status: 400, message: "The request body is not valid JSON" });
      }
      const parsed = settingsInput.safeParse(raw);
      if (!parsed.success) return sendJson(res, 400, { status: 400, message: "Invalid settings" });
      const next = { ...current, ...parsed.data };
      byUser.set(user.id, next);
      return sendJson(res, 200, next);
    },
  };
}
