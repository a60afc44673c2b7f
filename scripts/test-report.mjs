// What `npm test` repeats at the end of its output when something failed: one line per failed test,
// read from the reporters' JSON files (vitest's json reporter, Playwright's json reporter).
/** "file › test — first line of the error" for each failed vitest test (and each file that failed to run at all). */
export function vitestFailures(report, root) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(`${root}/`) ? file.name.slice(root.length + 1) : file.name;
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedTests) out.push(`${name} › ${t.fullName} — ${firstLine(t.failureMessages?.[0])}`);
    if (failedTests.length === 0 && file.status === "failed") out.push(`${name} — ${firstLine(file.message)}`);
  }
  return out;
}

/** The same for Playwright: every test whose outcome was unexpected or flaky. */
export function playwrightFailures(report) {
  const out = [];
  const visit = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected" && test.status !== "flaky") continue;
        const error = test.results?.find((r) => r.error)?.error?.message;
        out.push(`${spec.file} › ${[...titles, spec.title].join(" › ")} (${test.status}) — ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title].filter(Boolean));
  };
  for (const suite of report.suites ?? []) visit(suite, []);
  return out;
}

function firstLine(text) {
  // Terminal colours out of the reporters' messages.
  const line = String(text ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
