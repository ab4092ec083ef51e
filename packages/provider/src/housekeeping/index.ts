import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ProviderStores } from '../store/types.js';

type ExpiringStores = Pick<
  ProviderStores,
  | 'authorizationCodes'
  | 'refreshTokens'
  | 'deviceCodes'
  | 'replayCache'
  | 'leases'
  | 'throttles'
  | 'emailLinks'
  | 'requestRates'
  | 'clientRegistrations'
  | 'initialAccessTokens'
  | 'audit'
> &
  Partial<Pick<ProviderStores, 'pushedRequests'>>;

export interface HousekeepingDeps {
  readonly stores: ExpiringStores;
  readonly now: Clock;
  readonly instanceId: string;
  readonly logger?: Logger;
  /** Seconds between runs. Default 10 minutes. */
  readonly interval?: number;
  /**
   * Dynamically registered clients with no grant and no refresh token for this long (seconds) are
   * deleted (config `registration.unusedClientLifetime`). Default 30 days.
   */
  readonly unusedClientLifetime?: number;
  /**
   * Audit events older than this (seconds) are deleted (config `audit.retention`). Default 90 days. A
   * function, called at each pass: the key is a runtime setting, and a pass must use today's value, not
   * the one the provider started with.
   */
  readonly auditRetention?: () => number;
}

export interface Housekeeping {
  /** One pass: deletes what expired, if this instance holds the housekeeping lease. */
  runOnce(): Promise<{ ran: boolean; deleted: number }>;
  start(): void;
  stop(): Promise<void>;
}

const LEASE = 'housekeeping';
const DEFAULT_INTERVAL = 600;
const DEFAULT_UNUSED_CLIENT_LIFETIME = 30 * 86_400;
const DEFAULT_AUDIT_RETENTION = 90 * 86_400;
/**
 * Throttle rows idle this long are deleted: every backoff policy forgets failures sooner (an hour;
 * checked by a test), so a deleted row never held a wait.
 */
export const THROTTLE_IDLE_LIMIT = 86_400;
/**
 * Rows deleted per statement, and statements per table per pass: a flood of failed sign-ins or device
 * authorizations is pruned in short statements that never hold a long lock, and one pass stays bounded
 * (what is left waits for the next).
 */
export const BATCH_SIZE = 1000;
export const MAX_BATCHES_PER_PASS = 100;

/**
 * Deletes expired single-use rows (codes, refresh-token families past their absolute end, device codes,
 * replay-cache entries, idle throttle counts, recovered request rates, expired initial access tokens,
 * dynamically registered clients left unused, audit events past their retention), in bounded batches, so the tables do not grow without
 * bound. In a cluster
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
    const tasks: ((limit: number) => Promise<number>)[] = [
      (limit) => deps.stores.authorizationCodes.deleteExpired(now, limit),
      (limit) => deps.stores.refreshTokens.deleteExpired(now, limit),
      (limit) => deps.stores.deviceCodes.deleteExpired(now, limit),
      (limit) => deps.stores.replayCache.deleteExpired(now, limit),
      (limit) => deps.stores.throttles.deleteIdleSince(now - THROTTLE_IDLE_LIMIT, limit),
      (limit) => deps.stores.requestRates.deleteIdleSince(now * 1000, limit),
      (limit) => deps.stores.emailLinks.deleteExpired(now, limit),
      (limit) =>
        deps.stores.audit.deleteBefore(now - (deps.auditRetention?.() ?? DEFAULT_AUDIT_RETENTION), limit),
      () => deps.stores.initialAccessTokens.deleteExpired(now),
      () =>
        deps.stores.clientRegistrations.deleteUnusedSince(
          now - (deps.unusedClientLifetime ?? DEFAULT_UNUSED_CLIENT_LIFETIME),
        ),
      () => deps.stores.pushedRequests?.deleteExpired(now) ?? Promise.resolve(0),
    ];
    const counts: number[] = [];
    for (const task of tasks) counts.push(await inBatches(task));
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

/** Runs a bounded delete until a batch comes back short, at most MAX_BATCHES_PER_PASS times. */
async function inBatches(task: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
    const deleted = await task(BATCH_SIZE);
    total += deleted;
    if (deleted < BATCH_SIZE) break;
  }
  return total;
}
