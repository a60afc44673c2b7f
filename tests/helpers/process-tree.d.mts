/** Types for process-tree.mjs (see the comment there). */
export function descendantsOf(pid: number): number[];
export function processTree(pid: number): number[];
export function alive(pid: number): boolean;
export function stopProcesses(pids: number[], exited: Promise<unknown>): Promise<void>;
export function killProcessesNow(pids: number[]): void;
