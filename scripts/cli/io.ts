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
