/** Medians over repeated runs and the markdown tables the suite prints. */
import type { LoadResult } from './load-job.js';
import { SYSTEM_LABELS, type System } from './server-process.js';

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
    ...(runs.every((r) => r.cpuMicrosPerOp !== undefined)
      ? { cpuMicrosPerOp: of((r) => r.cpuMicrosPerOp!) }
      : {}),
  };
}

/** One case of a scenario: each system's median result. */
export interface Row {
  readonly label: string;
  readonly results: ReadonlyMap<System, LoadResult>;
}

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const cpu = (r: LoadResult) =>
  r.cpuMicrosPerOp === undefined ? 'n/a' : Math.round(r.cpuMicrosPerOp).toLocaleString('en-US');
/** The systems every other one is compared with, when the scenario ran them. */
const BASELINES: readonly System[] = ['peer', 'peer-redis', 'floor'];

/**
 * One row per case and system, and a ratio column per baseline the scenario ran (the peer in each of
 * its configurations, the floor): `rate / baseline rate`.
 */
export function scenarioTable(
  title: string,
  unit: string,
  rows: readonly Row[],
  runs: number,
  notes: readonly string[] = [],
): string {
  const baselines = BASELINES.filter((b) => rows.some((row) => row.results.has(b)));
  const header = ['case', 'system', unit, 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/op'];
  header.push(...baselines.map((b) => `× ${SYSTEM_LABELS[b]}`));
  const lines = [`### ${title}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const { label, results } of rows) {
    for (const [system, r] of results) {
      const cells = [
        label,
        SYSTEM_LABELS[system],
        rate(r.perSecond),
        ms(r.p50Ms),
        ms(r.p99Ms),
        String(r.errors),
        cpu(r),
      ];
      for (const b of baselines) {
        const base = results.get(b);
        cells.push(
          base === undefined || b === system ? '—' : `${(r.perSecond / base.perSecond).toFixed(2)}×`,
        );
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  lines.push(
    '',
    `Medians of ${runs} runs; errors are summed over the runs. Server CPU µs/op: the server process's user + system CPU time during the timed window (/proc) per successful operation, the figure a shared machine moves least.`,
  );
  if (baselines.includes('floor')) {
    lines.push(
      'Floor: node:http alone reading the same POST and answering with one signature of the same algorithm (bench/floor/server.mjs), no client authentication, store, audit or log; the limit any Node.js provider works under on this machine.',
    );
  }
  lines.push(...notes);
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

/** One case measured in two configurations (before → after), for a side-by-side table. */
export interface PairRow {
  readonly label: string;
  readonly a: LoadResult;
  readonly b: LoadResult;
}

/** `b / a` for throughput, p50 and p99: how configuration B compares with A. */
export function pairTable(
  title: string,
  unit: string,
  names: readonly [string, string],
  rows: readonly PairRow[],
  notes: readonly string[] = [],
): string {
  const side = (name: string) => [`${name} ${unit}`, 'p50 ms', 'p99 ms', 'errors', 'CPU µs/op'];
  const header = ['case', ...side(names[0]), ...side(names[1]), `${unit} ×`, 'p50 ×', 'p99 ×'];
  const cells = (r: LoadResult) => [rate(r.perSecond), ms(r.p50Ms), ms(r.p99Ms), String(r.errors), cpu(r)];
  const ratio = (b: number, a: number) => (a > 0 ? `${(b / a).toFixed(2)}×` : 'n/a');
  const lines = [`### ${title}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const { label, a, b } of rows) {
    const row = [label, ...cells(a), ...cells(b)];
    row.push(ratio(b.perSecond, a.perSecond), ratio(b.p50Ms, a.p50Ms), ratio(b.p99Ms, a.p99Ms));
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('', `Ratios are ${names[1]} / ${names[0]}.`, ...notes);
  return lines.join('\n');
}
