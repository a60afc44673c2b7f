// npm test's closing list of failures (scripts/test-report.mjs), read from reports shaped as vitest 4's and
// Playwright's json reporters wrote them (trimmed from real runs of a failing file, 2026-12-07).
import { describe, expect, it } from "vitest";
import { playwrightFailures, vitestFailures } from "../../../scripts/test-report.mjs";

const vitestReport = {
  numFailedTests: 1,
  testResults: [
    {
      name: "/repo/tests/integration/a.test.ts",
      status: "failed",
      message: "",
      assertionResults: [
        {
          fullName: "group fails here",
          status: "failed",
          failureMessages: ["\u001b[31mAssertionError: expected 1 to be 2 // Object.is equality\u001b[39m\n    at /repo/a.test.ts:2:62"],
        },
        { fullName: "group passes", status: "passed", failureMessages: [] },
      ],
    },
    {
      name: "/repo/tests/integration/b.test.ts",
      status: "failed",
      message: "Cannot find module './does-not-exist' imported from /repo/tests/integration/b.test.ts",
      assertionResults: [],
    },
    { name: "/repo/tests/unit/c.test.ts", status: "passed", message: "", assertionResults: [{ fullName: "ok", status: "passed" }] },
  ],
};

const playwrightReport = {
  suites: [
    {
      title: "p.spec.ts",
      file: "p.spec.ts",
      specs: [],
      suites: [
        {
          title: "outer",
          file: "p.spec.ts",
          specs: [
            {
              title: "pw fails",
              file: "p.spec.ts",
              tests: [{ status: "unexpected", results: [{ error: { message: "Error: \u001b[2mexpect(\u001b[22mreceived).toBe(expected)\n\nExpected: 2" } }] }],
            },
            { title: "pw passes", file: "p.spec.ts", tests: [{ status: "expected", results: [{}] }] },
            { title: "pw retried", file: "p.spec.ts", tests: [{ status: "flaky", results: [{ error: { message: "Timeout 5000ms exceeded" } }, {}] }] },
          ],
        },
      ],
    },
  ],
};

describe("npm test's list of failures", () => {
  it("names each failed vitest test with its file and the first line of its error, colours removed", () => {
    expect(vitestFailures(vitestReport, "/repo")).toEqual([
      "tests/integration/a.test.ts › group fails here — AssertionError: expected 1 to be 2 // Object.is equality",
      "tests/integration/b.test.ts — Cannot find module './does-not-exist' imported from /repo/tests/integration/b.test.ts",
    ]);
  });

  it("names Playwright tests that failed or passed only on a retry, with their describe titles", () => {
    expect(playwrightFailures(playwrightReport)).toEqual([
      "p.spec.ts › outer › pw fails (unexpected) — Error: expect(received).toBe(expected)",
      "p.spec.ts › outer › pw retried (flaky) — Timeout 5000ms exceeded",
    ]);
  });

  it("shortens a long first line and copes with reports that lack fields", () => {
    const long = vitestFailures(
      { testResults: [{ name: "/r/x.test.ts", status: "failed", assertionResults: [{ fullName: "t", status: "failed", failureMessages: ["E".repeat(1000)] }] }] },
      "/r",
    );
    expect(long[0]).toHaveLength("x.test.ts › t — ".length + 301);
    expect(vitestFailures({}, "/r")).toEqual([]);
    expect(playwrightFailures({})).toEqual([]);
  });

  it("with more lines, follows each first line with the rest of its error, stack frames left out, up to the limit", () => {
    const message = "Error: waited for the page; it shows:\n\nSign in\n    at waitFor (/repo/x.test.ts:1:1)\n--- printed last:\nGET /a 200\nGET /b 200";
    const report = { testResults: [{ name: "/r/x.test.ts", status: "failed", assertionResults: [{ fullName: "t", status: "failed", failureMessages: [message] }] }] };
    expect(vitestFailures(report, "/r", { lines: 4 })).toEqual([
      "x.test.ts › t — Error: waited for the page; it shows:\n      Sign in\n      --- printed last:\n      GET /a 200",
    ]);
    expect(vitestFailures(report, "/r", { lines: 1 })).toEqual(["x.test.ts › t — Error: waited for the page; it shows:"]);
    const pw = { suites: [{ title: "", file: "p.spec.ts", specs: [{ title: "s", file: "p.spec.ts", tests: [{ status: "unexpected", results: [{ error: { message } }] }] }] }] };
    expect(playwrightFailures(pw, { lines: 2 })).toEqual(["p.spec.ts › s (unexpected) — Error: waited for the page; it shows:\n      Sign in"]);
  });
});
