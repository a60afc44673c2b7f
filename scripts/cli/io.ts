import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Where a CLI's logic reads and writes. Run from a terminal (the script's entry), the process's own
 * streams; called in a test's process, buffers: the same function, its exit code returned instead
 * of process.exit, so argument checks can be tested without starting a process each.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input (a new password's one line): process.stdin unless given. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The environment the configuration is read from, for the commands that read nothing else: process.env unless given. */
  env?: NodeJS.ProcessEnv;
}

/** The process's streams: what console.log / console.error write to, byte for byte (`text` carries its own newline). */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** console.log / console.error of a CliIo: one string, one line. */
export const line = (write: (text: string) => void) => (text: string) => write(`${text}\n`);

/**
 * A module that brings the database layer (Prisma, the PGlite and PostgreSQL drivers), imported on
 * first use; close() closes the database only if it was. One per main() call, so a call that never
 * loaded it (in a test's process too) never closes a database someone else holds.
 */
export function lazyDatabaseModule<T>(importModule: () => Promise<T>) {
  let loaded = false;
  return {
    get loaded() {
      return loaded;
    },
    load(): Promise<T> {
      loaded = true;
      return importModule();
    },
    async close(): Promise<void> {
      if (loaded) await (await import("../../lib/db")).closeDatabase();
    },
  };
}

type Flags<O extends NonNullable<ParseArgsConfig["options"]>> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>["values"];

/**
 * A command's flags (node:util parseArgs, strict; `options` must hold `help`). A refused flag writes
 * Node's message and the usage to stderr, --help the usage to stdout: both return the exit code (2, 0)
 * instead of the values.
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(argv: readonly string[], options: O, usage: string, io: CliIo): Flags<O> | number {
  let values: Flags<O>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true }));
  } catch (parseError) {
    line(io.stderr)(`${(parseError as Error).message}\n${usage}`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    line(io.stdout)(usage);
    return 0;
  }
  return values;
}
