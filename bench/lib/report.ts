/** Medians over repeated runs and the markdown tables the suite prints. */
import type { LoadResult } from './load-job.js';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Each figure is the median of that figure over the runs (so p99 is the median run's p99). */
export function medianResult(runs: readonly LoadResult[]): LoadResult {
  const of = (pick: (r: LoadResult) => number) => median(runs.map(pick));
  return {
    perSecond: of((r) => r.perSecond),
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    total: of((r) => r.total),
    seconds: of((r) => r.seconds),
  };
}

export interface Row {
  readonly label: string;
  readonly latchkey: LoadResult;
  readonly peer: LoadResult;
  /** The floor (bench/floor/server.mjs), in scenarios that measure one. */
  readonly floor?: LoadResult;
}

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

export function scenarioTable(title: string, unit: string, rows: readonly Row[], runs: number): string {
  const header = [
    'case',
    `Latchkey ${unit}`,
    'p50 ms',
    'p99 ms',
    'errors',
    `oidc-provider ${unit}`,
    'p50 ms',
    'p99 ms',
    'errors',
    'Latchkey / peer',
  ];
  const withFloor = rows.some((row) => row.floor !== undefined);
  if (withFloor) header.push(`floor ${unit}`, 'Latchkey / floor', 'peer / floor');
  const lines = [`### ${title}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const { label, latchkey: l, peer: p, floor: f } of rows) {
    const cells = [
      label,
      rate(l.perSecond),
      ms(l.p50Ms),
      ms(l.p99Ms),
      String(l.errors),
      rate(p.perSecond),
      ms(p.p50Ms),
      ms(p.p99Ms),
      String(p.errors),
      `${(l.perSecond / p.perSecond).toFixed(2)}×`,
    ];
    if (withFloor) {
      cells.push(
        f === undefined ? 'n/a' : rate(f.perSecond),
        f === undefined ? 'n/a' : `${(l.perSecond / f.perSecond).toFixed(2)}×`,
        f === undefined ? 'n/a' : `${(p.perSecond / f.perSecond).toFixed(2)}×`,
      );
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', `Medians of ${runs} runs; errors are summed over the runs.`);
  if (withFloor) {
    lines.push(
      'Floor: node:http alone reading the same POST and answering with one signature of the same algorithm (bench/floor/server.mjs), no client authentication, store, audit or log; the limit any Node.js provider works under on this machine.',
    );
  }
  return lines.join('\n');
}

export interface MemoryRow {
  readonly system: string;
  readonly startupMb: number | undefined;
  readonly idleMb: number | undefined;
  readonly peakMb: number | undefined;
}

export function memoryTable(rows: readonly MemoryRow[]): string {
  const mb = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(1)} MB`);
  return [
    '### Memory (resident set)',
    '',
    '| system | RSS 3 s after start | RSS idle (15 s, no requests) | peak RSS (VmHWM) under client_credentials load |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.system} | ${mb(r.startupMb)} | ${mb(r.idleMb)} | ${mb(r.peakMb)} |`),
  ].join('\n');
}
