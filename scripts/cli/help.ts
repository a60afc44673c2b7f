/**
 * `--help` / `-h` for the project's CLIs: print the usage to stdout and exit 0
 * before the command does anything (opens a database, writes a file, starts
 * a server). Call it first, before parsing the other options, so a strict
 * parser cannot turn `--help` into an error.
 */
export function exitWithUsageIfAsked(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (usageAsked(argv)) {
    console.log(usage.trim());
    process.exit(0);
  }
}

/** For a command's main(argv, io), which returns instead of exiting: whether argv asks for the usage (print `usage.trim()`, exit 0). */
export const usageAsked = (argv: readonly string[]): boolean => argv.includes("--help") || argv.includes("-h");
