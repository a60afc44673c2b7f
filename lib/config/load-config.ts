import { z } from "zod";
import { variables, type VariableName, type VariableSpec } from "./variables";

type Parsed<K extends VariableName> = z.output<(typeof variables)[K]["schema"]>;
export type Config = { readonly [K in VariableName]: Parsed<K> };

export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; problem: string; example: string }[]) {
    super(
      [
        `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p.variable} ${p.problem}. Example: ${p.variable}=${p.example}`),
        "Set these environment variables (see .env.example) and start again.",
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment into a typed, frozen Config. Pure: pass any record
 * (tests do); the application calls it once through getConfig().
 * Empty strings count as unset, so `FOO=` in an env file means "default".
 * Values are never echoed in errors: some are secrets.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: { variable: string; problem: string; example: string }[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables) as [VariableName, VariableSpec][]) {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === "" ? spec.default : raw.trim();
    const result = spec.schema.safeParse(value);
    if (result.success) {
      out[name] = result.data;
    } else {
      const issue = result.error.issues[0];
      const problem = value === undefined ? "is required but not set" : (issue?.message ?? "is invalid");
      problems.push({ variable: name, problem: value === undefined ? problem : `is invalid: ${problem}`, example: spec.example });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}
