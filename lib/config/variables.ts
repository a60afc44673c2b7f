/**
 * Every environment variable the application reads, in one table: its zod
 * schema, its documented default, an example of a valid value and a one-line
 * description. The README's configuration table and `.env.example` are
 * generated from (and checked against) this table by scripts/config-docs.ts.
 */
import { z } from "zod";

export interface VariableSpec {
  /** Validates the raw string (after the default was applied). */
  schema: z.ZodType;
  /** The default as a person would write it; undefined = optional, no default. */
  default?: string;
  /** A valid value, shown in error messages and docs. */
  example: string;
  description: string;
  /** Secrets are never echoed, in errors or elsewhere. */
  secret?: boolean;
}

const bool = z.enum(["true", "false", "1", "0"], { error: "must be true or false" }).transform((v) => v === "true" || v === "1");

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v), "must be an absolute URL")
  .transform((v) => new URL(v))
  .refine((u) => u.protocol === "http:" || u.protocol === "https:", "must use http or https")
  .refine((u) => !u.search && !u.hash, "must not have a query or a fragment")
  .refine((u) => !u.username && !u.password, "must not contain credentials")
  // Canonical form without a trailing slash, so `${APP_URL}/api/mcp` is exact.
  .transform((u) => u.href.replace(/\/+$/, ""));

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), "must be a postgres:// or postgresql:// URL");

const port = z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be 1-65535").max(65535, "must be 1-65535");

export const variables = {
  NODE_ENV: {
    schema: z.enum(["development", "production", "test"], { error: "must be development, production or test" }),
    default: "development",
    example: "production",
    description: "Runtime mode. `next start` sets production, `next dev` development.",
  },
  APP_URL: {
    schema: httpUrl,
    default: "http://localhost:3000",
    example: "https://mcp.example.com",
    description: "Public base URL of this server (no trailing slash). The MCP endpoint is `${APP_URL}/api/mcp`.",
  },
  PORT: {
    schema: port,
    default: "3000",
    example: "3000",
    description: "Port the app listens on (read by `npm run dev`/`npm start`).",
  },
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    example: "postgres://nextcloud_mcp@127.0.0.1:5432/nextcloud_mcp",
    description: "PostgreSQL server to use. Unset: the embedded PGlite database under `DATA_DIR`.",
    secret: true,
  },
  DATA_DIR: {
    schema: z.string().min(1, "must not be empty"),
    default: ".data",
    example: "/var/lib/nextcloud-mcp",
    description: "Folder for the embedded database and generated local secrets (relative to the working directory).",
  },
  LOG_LEVEL: {
    schema: z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }),
    default: "info",
    example: "warn",
    description: "Least severe log level that is printed.",
  },
  TRUST_PROXY: {
    schema: bool,
    default: "false",
    example: "true",
    description: "Honour `X-Forwarded-*` headers (only behind a reverse proxy you control).",
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
