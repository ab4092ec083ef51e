/**
 * Measures how many operations a function completes per CPU-second of this process.
 *
 * CPU time (user + system, all threads) rather than wall time makes the comparison fair between
 * libraries that verify synchronously and those that go through WebCrypto's thread pool, and keeps
 * the numbers stable on a shared 2-core machine. Contestants run in interleaved rounds in one
 * process; the median round is reported.
 */
export type Operation = () => unknown;

export interface Contestant {
  readonly name: string;
  readonly run: Operation;
}

export interface Measurement {
  readonly name: string;
  /** Median operations per CPU-second over the rounds. */
  readonly opsPerCpuSecond: number;
}

function cpuMicros(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function runFor(op: Operation, cpuBudgetMicros: number): Promise<number> {
  // Await only when the operation is asynchronous, so sync contestants pay no promise overhead.
  const isAsync = op() instanceof Promise;
  const start = process.cpuUsage();
  let ops = 0;
  const batch = 64;
  while (cpuMicros(start) < cpuBudgetMicros) {
    if (isAsync) {
      for (let i = 0; i < batch; i++) await op();
    } else {
      for (let i = 0; i < batch; i++) op();
    }
    ops += batch;
  }
  return ops / (cpuMicros(start) / 1e6);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function compare(
  contestants: readonly Contestant[],
  options: { rounds?: number; cpuMillisPerRound?: number } = {},
): Promise<Measurement[]> {
  const rounds = options.rounds ?? 5;
  const budget = (options.cpuMillisPerRound ?? 400) * 1000;
  const samples = new Map<string, number[]>(contestants.map((c) => [c.name, []]));
  // Warm-up: let V8 optimise every contestant before anything is recorded.
  for (const c of contestants) await runFor(c.run, budget / 2);
  for (let round = 0; round < rounds; round++) {
    for (const c of contestants) samples.get(c.name)!.push(await runFor(c.run, budget));
  }
  return contestants.map((c) => ({ name: c.name, opsPerCpuSecond: median(samples.get(c.name)!) }));
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
