import type { Clock } from '../lib/clock.js';
import { OutboundError } from './errors.js';
import type { GuardedFetcher } from './guarded-fetch.js';

export interface HostBudgetOptions {
  readonly now: Clock;
  /** Requests that reach the network per host per window (cache hits never count). */
  readonly perWindow: number;
  /** The window, seconds. */
  readonly window: number;
  /** Hosts tracked at once (DESIGN rule 9); the oldest window is forgotten first. */
  readonly maxHosts: number;
}

/**
 * A budget of network requests per host (checklist L3): an unauthenticated request naming a fresh
 * metadata document URL costs the provider a fetch, so without a bound anybody could make it hammer
 * a host, or keep its sockets busy, by cycling URLs. Placed under the HTTP cache, so only misses count;
 * the count is taken before the request (L1), so parallel misses get no more than the budget. Per
 * instance, in memory: a cluster of N instances allows N budgets.
 */
export function withHostBudget(fetcher: GuardedFetcher, options: HostBudgetOptions): GuardedFetcher {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    get(request) {
      let host: string;
      try {
        host = new URL(request.url).host;
      } catch {
        return fetcher.get(request);
      }
      const now = options.now();
      let window = windows.get(host);
      if (window === undefined || now - window.start >= options.window) {
        windows.delete(host);
        if (windows.size >= options.maxHosts) {
          const oldest = windows.keys().next().value;
          if (oldest !== undefined) windows.delete(oldest);
        }
        window = { start: now, count: 0 };
        windows.set(host, window);
      }
      window.count += 1;
      if (window.count > options.perWindow) {
        return Promise.reject(
          new OutboundError('ERR_OUTBOUND_BUDGET', `too many requests to ${host} just now; try again later`),
        );
      }
      return fetcher.get(request);
    },
  };
}
