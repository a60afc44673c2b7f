/**
 * The capability a background job holds while it runs. Only the job runner
 * (run-background-job.ts) can make one — the brand is a unique symbol that is
 * declared but never exported, so no object literal satisfies the type — and
 * the broker's background path (lib/broker/background-token.ts) demands one.
 * A tool handler has none, so the compiler refuses `backgroundToken(...)` from
 * tool code; tests/unit/broker/background-boundary.test.ts also forbids the
 * import itself outside lib/jobs.
 */

declare const jobBrand: unique symbol;

export interface JobContext {
  readonly jobId: string;
  readonly kind: string;
  /** The user the job acts for; background tokens are only ever for this user. */
  readonly userId: string;
  readonly [jobBrand]: true;
}
