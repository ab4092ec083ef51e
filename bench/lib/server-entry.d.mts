/** Types of server-entry.mjs, for the TypeScript side of the suite. */
export function freePort(): Promise<number>;
export function receiveSetup(): Promise<unknown>;
export function serve(ready: unknown, stop: () => unknown): void;
