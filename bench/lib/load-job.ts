/** What the suite asks the load process (bench/lib/load-worker.ts) to do, and what it reports back. */

import type { ClientCredentials } from './fixtures.js';
import type { Account, Endpoints } from './sign-in.js';

export interface HttpLoad {
  readonly kind: 'http';
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  /** The same body on every request. */
  readonly body?: string;
  /** Each body sent exactly once (single-use state such as codes); the run stops when they run out. */
  readonly bodies?: readonly string[];
  /**
   * Refresh-token rotation: one keep-alive loop per `initial` token, each sending, every time, the
   * refresh token the previous response returned (`prefix` + token).
   */
  readonly chain?: { readonly initial: readonly string[]; readonly prefix: string };
  readonly connections: number;
  readonly seconds: number;
}

export interface FlowLoad {
  readonly kind: 'flows';
  readonly origin: string;
  readonly endpoints: Endpoints;
  readonly client: ClientCredentials;
  readonly account: Account;
  readonly scope: string;
  readonly seconds: number;
}

export type LoadJob = HttpLoad | FlowLoad;

export interface LoadResult {
  /** Completed, successful operations per second of the run. */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Failed operations: transport errors, timeouts, non-2xx answers, broken flows. */
  readonly errors: number;
  readonly total: number;
  readonly seconds: number;
  /**
   * CPU time (user + system) the server spent per successful operation during the run, in
   * microseconds, read from /proc by the suite. On a shared machine it moves far less than the rate.
   */
  readonly cpuMicrosPerOp?: number;
}
