import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ProviderStores } from '../store/types.js';

type ExpiringStores = Pick<
  ProviderStores,
  'authorizationCodes' | 'refreshTokens' | 'deviceCodes' | 'replayCache' | 'leases' | 'throttles'
> &
  Partial<Pick<ProviderStores, 'pushedRequests'>>;

export interface HousekeepingDeps {
  readonly stores: ExpiringStores;
  readonly now: Clock;
  readonly instanceId: string;
  readonly logger?: Logger;
  /** Seconds between runs. Default 10 minutes. */
  readonly interval?: number;
}

export interface Housekeeping {
  /** One pass: deletes what expired, if this instance holds the housekeeping lease. */
  runOnce(): Promise<{ ran: boolean; deleted: number }>;
  start(): void;
  stop(): Promise<void>;
}

const LEASE = 'housekeeping';
const DEFAULT_INTERVAL = 600;
/**
 * Throttle rows idle this long are deleted: every backoff policy forgets failures sooner (an hour;
 * checked by a test), so a deleted row never held a wait.
 */
export const THROTTLE_IDLE_LIMIT = 86_400;

/**
 * Deletes expired single-use rows (codes, refresh-token families past their absolute end, device codes,
 * replay-cache entries, idle throttle counts) so the tables do not grow without bound. In a cluster
 * one instance does it at a time, under a lease row (portable SQL, no advisory locks). Nothing here decides validity: every
 * reader checks expiry itself, so a late pass never lets anything expired through.
 */
export function createHousekeeping(deps: HousekeepingDeps): Housekeeping {
  const interval = deps.interval ?? DEFAULT_INTERVAL;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function runOnce(): Promise<{ ran: boolean; deleted: number }> {
    const now = deps.now();
    if (!(await deps.stores.leases.tryAcquire(LEASE, deps.instanceId, now, interval * 2))) {
      return { ran: false, deleted: 0 };
    }
    const counts = await Promise.all([
      deps.stores.authorizationCodes.deleteExpired(now),
      deps.stores.refreshTokens.deleteExpired(now),
      deps.stores.deviceCodes.deleteExpired(now),
      deps.stores.replayCache.deleteExpired(now),
      deps.stores.throttles.deleteIdleSince(now - THROTTLE_IDLE_LIMIT),
      deps.stores.pushedRequests?.deleteExpired(now) ?? 0,
    ]);
    const deleted = counts.reduce((a, b) => a + b, 0);
    if (deleted > 0) deps.logger?.info({ deleted }, 'housekeeping deleted expired rows');
    return { ran: true, deleted };
  }

  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        running = runOnce().catch((error: unknown) =>
          deps.logger?.warn({ err: error }, 'housekeeping failed'),
        );
      }, interval * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      await deps.stores.leases.release(LEASE, deps.instanceId).catch(() => {});
    },
  };
}
