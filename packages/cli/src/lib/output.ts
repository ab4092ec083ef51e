import type { Writable } from 'node:stream';
import { println } from './io.js';

/** Prints rows as an aligned text table, or a note when there are none. */
export function printTable(
  out: Writable,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  empty: string,
): void {
  if (rows.length === 0) {
    println(out, empty);
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  println(out, line(headers));
  for (const row of rows) println(out, line(row));
}

export function printJson(out: Writable, value: unknown): void {
  println(out, JSON.stringify(value, null, 2));
}

/** Epoch seconds as an ISO date (UTC), or '-' for none. */
export function isoTime(seconds: number | null): string {
  return seconds === null ? '-' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
