/** Types for chromium.mjs (see the comment there). */
export const chromiumPath: string;
export const chromiumInstallHint: string;
export const chromiumArgs: readonly string[];
