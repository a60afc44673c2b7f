/** Types for pglite-template.mjs (see the comment there). */
export function migrationsHash(): string;
export function pgliteTemplateDir(): string;
export function copyPgliteTemplate(dataDir: string): boolean;
