import type { LoadJob } from '../lib/load-job.js';
import type { RunningServer } from '../lib/server-process.js';

/** Settings every timed window shares (BENCH_SECONDS, BENCH_CONNECTIONS). */
export interface LoadSettings {
  readonly seconds: number;
  readonly connections: number;
}

/** One row of a scenario's table: builds a fresh, fully valid load job before each timed run. */
export interface Case {
  readonly label: string;
  prepare(server: RunningServer, settings: LoadSettings): Promise<LoadJob>;
}

/** A scenario runs its cases against Latchkey, then against the peer, each on a server of its own. */
export interface Scenario {
  readonly kind: 'load';
  readonly name: string;
  readonly title: string;
  readonly unit: 'req/s' | 'flows/s';
  /** Environment of the Latchkey server (LATCHKEY_*), on top of the suite's. */
  readonly latchkeyEnv?: Record<string, string>;
  readonly cases: readonly Case[];
  /**
   * Reads or writes state: also run Latchkey on PostgreSQL and the peer on its durable Redis adapter,
   * beside Latchkey on SQLite and the peer in memory.
   */
  readonly stateful?: boolean;
  /** Lines printed under the table. */
  readonly notes?: readonly string[];
  /** Also read RSS idle (before any load) and the peak resident set after the runs. */
  readonly measuresMemory?: boolean;
  /**
   * Also run the floor (bench/floor/server.mjs) with this environment, in the same alternation: node:http
   * and one signature per request, nothing else. Its column says how close each system is to the limit.
   */
  readonly floorEnv?: Record<string, string>;
}

/** A benchmark another engineer owns, run as its own npm script; its table is printed as it is. */
export interface ScriptScenario {
  readonly kind: 'script';
  readonly name: string;
  readonly title: string;
  readonly script: string;
  /** The file that must exist for the scenario to run. */
  readonly file: string;
}

/**
 * Latchkey on PostgreSQL as one instance and as `instances` instances sharing one store, each behind
 * the same round-robin proxy (bench/lib/round-robin-proxy.mjs): whether anything serialises across
 * instances.
 */
export interface ClusterScenario {
  readonly kind: 'cluster';
  readonly name: string;
  readonly title: string;
  readonly instances: number;
  readonly latchkeyEnv?: Record<string, string>;
  readonly cases: readonly Case[];
}

/** Latchkey on an empty store and on a seeded one (bench/seed.ts), on SQLite and on PostgreSQL. */
export interface ScaleScenario {
  readonly kind: 'scale';
  readonly name: string;
  readonly title: string;
  readonly cases: readonly Case[];
}
