import { createHash } from 'node:crypto';
import type { RequestRateStore } from '../store/types.js';

/**
 * A request-rate limit counted in the database, shared by every instance (checklist L3): `perMinute`
 * requests at once, then one every 60/perMinute seconds. The check and the count are one statement
 * (store/request-rates.ts), so requests sent at once are counted as they arrive (L1). Keys are stored
 * as SHA-256 of the namespace and the key, never an address or a client id in clear.
 */
export interface RequestRateLimiter {
  /** Takes one request for `key` at `now` (seconds): 0 when allowed, else seconds to wait (≥ 1). */
  take(key: string, now: number): Promise<number>;
}

export function createRequestRateLimiter(
  store: RequestRateStore,
  perMinute: number,
  namespace: string,
): RequestRateLimiter {
  const rate = { limit: perMinute, intervalMs: Math.ceil(60_000 / perMinute) };
  const hashOf = (key: string) => createHash('sha256').update(`${namespace}\0${key}`).digest('base64url');
  return {
    async take(key, now) {
      const waitMs = await store.take(hashOf(key), now * 1000, rate);
      return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
    },
  };
}
