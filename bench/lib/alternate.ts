/**
 * Timed runs of one case against several running servers, alternating between them (A, B, C, then
 * C, B, A, …) so a shared machine whose speed drifts weighs on all alike; each first gets a warm-up
 * run, discarded. Every run's state is minted by `prepare` outside its timed window.
 */
import type { Case, LoadSettings } from '../scenarios/scenario.js';
import type { LoadResult } from './load-job.js';
import { medianResult } from './report.js';
import { runLoad } from './run-load.js';
import type { RunningServer } from './server-process.js';

export const WARMUP_SECONDS = 2;

export interface Timing {
  readonly settings: LoadSettings;
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/** The median result of each server (by its key) over `timing.runs` alternating runs. */
export async function alternate<K>(
  servers: readonly { readonly key: K; readonly label: string; readonly server: RunningServer }[],
  c: Case,
  { settings, runs, progress }: Timing,
): Promise<Map<K, LoadResult>> {
  for (const { label, server } of servers) {
    progress(`${label} / ${c.label}: warm-up`);
    await runLoad(await c.prepare(server, { ...settings, seconds: WARMUP_SECONDS }));
  }
  const results = new Map<K, LoadResult[]>(servers.map(({ key }) => [key, []]));
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 1 ? servers : [...servers].reverse();
    for (const { key, label, server } of order) {
      const job = await c.prepare(server, settings);
      const cpuBefore = server.cpuSeconds();
      const loaded = await runLoad(job);
      const cpuAfter = server.cpuSeconds();
      const result =
        cpuBefore === undefined || cpuAfter === undefined || loaded.total === 0
          ? loaded
          : { ...loaded, cpuMicrosPerOp: ((cpuAfter - cpuBefore) * 1e6) / loaded.total };
      progress(
        `${label} / ${c.label} / run ${run}: ${result.perSecond.toFixed(0)}/s, ${result.errors} errors`,
      );
      results.get(key)!.push(result);
    }
  }
  return new Map([...results].map(([key, all]) => [key, medianResult(all)]));
}
