// Types for node-version.js (plain JavaScript so that it runs on the old Node it refuses).
export function minimumOf(range: string): [number, number];
export function meetsMinimum(version: string, minimum: readonly [number, number]): boolean;
