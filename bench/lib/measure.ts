/**
 * Measures how many operations a function completes per CPU-second of this process.
 *
 * CPU time (user + system, all threads) rather than wall time makes the comparison fair between
 * libraries that verify synchronously and those that go through WebCrypto's thread pool.
 * Contestants take turns in short slices (20 ms of CPU each, the order rotated every turn) and each
 * one's operations and CPU time are summed over all its slices: a shared machine whose speed drifts
 * over seconds weighs on every contestant alike, which rounds of 400 ms each did not ensure (the
 * same run gave one ratio 0.75× and then 0.83×).
 */
export type Operation = () => unknown;

export interface Contestant {
  readonly name: string;
  readonly run: Operation;
}

export interface Measurement {
  readonly name: string;
  /** Operations per CPU-second over all the contestant's slices. */
  readonly opsPerCpuSecond: number;
}

function cpuMicros(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** Runs `op` for about `cpuBudgetMicros` of CPU; returns the operations done and the CPU used. */
async function runSlice(op: Operation, isAsync: boolean, cpuBudgetMicros: number) {
  const start = process.cpuUsage();
  let ops = 0;
  const batch = 16;
  do {
    // Await only when the operation is asynchronous, so sync contestants pay no promise overhead.
    if (isAsync) {
      for (let i = 0; i < batch; i++) await op();
    } else {
      for (let i = 0; i < batch; i++) op();
    }
    ops += batch;
  } while (cpuMicros(start) < cpuBudgetMicros);
  return { ops, micros: cpuMicros(start) };
}

export async function compare(
  contestants: readonly Contestant[],
  options: { cpuSecondsEach?: number; sliceMillis?: number } = {},
): Promise<Measurement[]> {
  const slice = (options.sliceMillis ?? 20) * 1000;
  const slices = Math.ceil(((options.cpuSecondsEach ?? 2) * 1e6) / slice);
  const isAsync = contestants.map((c) => c.run() instanceof Promise);
  // Warm-up: let V8 optimise every contestant before anything is recorded.
  for (let i = 0; i < contestants.length; i++) await runSlice(contestants[i]!.run, isAsync[i]!, 200_000);
  const ops = contestants.map(() => 0);
  const micros = contestants.map(() => 0);
  for (let turn = 0; turn < slices; turn++) {
    for (let k = 0; k < contestants.length; k++) {
      const i = (k + turn) % contestants.length;
      const done = await runSlice(contestants[i]!.run, isAsync[i]!, slice);
      ops[i]! += done.ops;
      micros[i]! += done.micros;
    }
  }
  return contestants.map((c, i) => ({ name: c.name, opsPerCpuSecond: ops[i]! / (micros[i]! / 1e6) }));
}
/** A markdown table: one row per case, one column per contestant, with the ratio to `baseline`. */
export function table(
  rows: readonly { label: string; results: readonly Measurement[] }[],
  baseline: string,
  focus: string,
): string {
  const names = rows[0]?.results.map((r) => r.name) ?? [];
  const header = ['', ...names.map((n) => `${n} ops/s`), `${focus} / ${baseline}`];
  const others = names.filter((n) => n !== baseline && n !== focus);
  header.push(...others.map((n) => `${focus} / ${n}`));
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const by = new Map(row.results.map((r) => [r.name, r.opsPerCpuSecond]));
    const f = by.get(focus)!;
    const cells = [
      row.label,
      ...names.map((n) => Math.round(by.get(n)!).toLocaleString('en-US')),
      `${(f / by.get(baseline)!).toFixed(2)}×`,
      ...others.map((n) => `${(f / by.get(n)!).toFixed(2)}×`),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
