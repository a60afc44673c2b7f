export function vitestFailures(report: unknown, root: string, options?: { lines?: number }): string[];
export function playwrightFailures(report: unknown, options?: { lines?: number }): string[];
