/** Types for pglite-template.mjs (see the comment there). */
export function migrationsHash(): string;
export function pgliteTemplateDir(): string;
export function copyPgliteFolder(fromDir: string, dataDir: string): boolean;
export function copyPgliteTemplate(dataDir: string): boolean;
export function seededKey(parts: readonly (string | Uint8Array)[]): string;
export function keepPgliteFolder(dataDir: string, keptDir: string, files?: Record<string, string>): void;
