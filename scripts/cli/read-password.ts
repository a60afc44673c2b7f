/**
 * Reads a new password for a CLI without it ever being an argument (argv is
 * visible to every user of the machine in `ps` and lands in shell history):
 * on a terminal, a prompt that does not echo, asked twice; otherwise the
 * first line of standard input (`printf '%s\n' "$PW" | npm run user:passwd -- --username alice`).
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";

export class PasswordInputError extends Error {}

/** Where the password comes from and the prompt goes: the process's stdin and stderr unless given. */
export interface PasswordIo {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr?(text: string): void;
}

async function readStdinLine(input: NodeJS.ReadableStream): Promise<string> {
  let data = "";
  for await (const chunk of input) {
    data += (chunk as Buffer).toString("utf8");
    // Only the first line counts; stop reading once it is complete.
    if (data.includes("\n")) break;
  }
  return data.split(/\r?\n/)[0] ?? "";
}

function promptHidden(question: string, input: NodeJS.ReadableStream, stderr: (text: string) => void): Promise<string> {
  // Echo the question, swallow what is typed (the readline writes each key to `output`).
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) stderr(chunk.toString());
      done();
    },
  });
  const rl = createInterface({ input, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      stderr("\n");
      resolve(answer);
    });
    muted = true;
  });
}

export async function readNewPassword(io: PasswordIo = {}): Promise<string> {
  const input = io.stdin ?? process.stdin;
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  if (!input.isTTY) {
    const line = await readStdinLine(input);
    if (!line) throw new PasswordInputError("No password on standard input: type it at the prompt (run in a terminal) or pipe it in, one line.");
    return line;
  }
  const first = await promptHidden("New password: ", input, stderr);
  const second = await promptHidden("Repeat it: ", input, stderr);
  if (first !== second) throw new PasswordInputError("The two passwords differ. Nothing was changed.");
  return first;
}
