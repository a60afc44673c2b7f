// What `npm test` repeats at the end of its output when something failed: one line per failed test,
// read from the reporters' JSON files (vitest's json reporter, Playwright's json reporter).
/**
 * "file › test — first line of the error" for each failed vitest test (and each file that failed to run at all).
 * With `lines` > 1, the next lines of the error follow, indented (stack frames left out): a CI log is often read
 * from its tail only, and a first line such as "waited for …; the page shows:" says little on its own.
 */
export function vitestFailures(report, root, { lines = 1 } = {}) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(`${root}/`) ? file.name.slice(root.length + 1) : file.name;
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedTests) out.push(`${name} › ${t.fullName} — ${excerpt(t.failureMessages?.[0], lines)}`);
    if (failedTests.length === 0 && file.status === "failed") out.push(`${name} — ${excerpt(file.message, lines)}`);
  }
  return out;
}

/** The same for Playwright: every test whose outcome was unexpected or flaky. */
export function playwrightFailures(report, { lines = 1 } = {}) {
  const out = [];
  const visit = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected" && test.status !== "flaky") continue;
        const error = test.results?.find((r) => r.error)?.error?.message;
        out.push(`${spec.file} › ${[...titles, spec.title].join(" › ")} (${test.status}) — ${excerpt(error, lines)}`);
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title].filter(Boolean));
  };
  for (const suite of report.suites ?? []) visit(suite, []);
  return out;
}

/** The first `lines` non-empty lines of an error that are not stack frames, colours removed, each cut at 300 characters. */
function excerpt(text, lines) {
  // Terminal colours out of the reporters' messages.
  const kept = String(text ?? "")
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^\s*at .+/.test(l))
    .slice(0, lines)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
  return [kept[0] ?? "", ...kept.slice(1).map((l) => `      ${l}`)].join("\n");
}
