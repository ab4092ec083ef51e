import { createHash } from 'node:crypto';
import type { ThrottleStore } from '../store/types.js';

/**
 * Login throttling (checklist S1, NIST SP 800-63B §5.2.2): failures per key (an account, an IP) earn an
 * exponentially growing wait, capped, and forgotten after a quiet period. There is never a permanent
 * lockout, so an attacker cannot lock a person out for good by failing on purpose (a denial of service).
 *
 * The provider counts in its database (createStoreRateLimiter), so every instance of a cluster sees
 * the same failures: behind N instances an attacker gets no more attempts than behind one. The
 * in-memory limiter serves tests and embedders that pass their own.
 */
export interface RateLimiter {
  /** Seconds to wait before `key` may try again; 0 when it may try now. */
  retryAfter(key: string, now: number): Promise<number>;
  recordFailure(key: string, now: number): Promise<void>;
  recordSuccess(key: string): Promise<void>;
}

export interface BackoffPolicy {
  /** Failures allowed before any wait. */
  readonly freeFailures: number;
  /** The first wait, seconds; doubles with each further failure. */
  readonly baseDelay: number;
  /** The longest wait, seconds. */
  readonly maxDelay: number;
  /** Failures are forgotten after this many quiet seconds. */
  readonly forgetAfter: number;
}

/** Per account: 5 free tries, then 1 s, 2 s, 4 s … up to 15 minutes. */
export const ACCOUNT_POLICY: BackoffPolicy = {
  freeFailures: 5,
  baseDelay: 1,
  maxDelay: 900,
  forgetAfter: 3600,
};
/** Per IP (many people may share one): 20 free tries, then the same doubling, up to 15 minutes. */
export const IP_POLICY: BackoffPolicy = { freeFailures: 20, baseDelay: 1, maxDelay: 900, forgetAfter: 3600 };

interface Entry {
  failures: number;
  lastFailureAt: number;
}

/** The wait `policy` gives a key with `entry`'s failures, at `now`; 0 once they are forgotten. */
function waitFor(policy: BackoffPolicy, entry: Readonly<Entry> | undefined, now: number): number {
  if (entry === undefined || now - entry.lastFailureAt >= policy.forgetAfter) return 0;
  if (entry.failures < policy.freeFailures) return 0;
  const exponent = Math.min(entry.failures - policy.freeFailures, 30);
  const delay = Math.min(policy.baseDelay * 2 ** exponent, policy.maxDelay);
  return Math.max(0, entry.lastFailureAt + delay - now);
}

/**
 * Failures counted in the provider's database, shared by every instance on it. Keys are stored as
 * SHA-256 of `namespace` and the key, so neither the usernames people typed nor their addresses sit
 * in the table, and limiters with different namespaces never share a count.
 */
export function createStoreRateLimiter(
  store: ThrottleStore,
  policy: BackoffPolicy,
  namespace: string,
): RateLimiter {
  const hashOf = (key: string) => createHash('sha256').update(`${namespace}\0${key}`).digest('base64url');
  return {
    async retryAfter(key, now) {
      return waitFor(policy, await store.get(hashOf(key)), now);
    },
    async recordFailure(key, now) {
      await store.recordFailure(hashOf(key), now, policy.forgetAfter);
    },
    async recordSuccess(key) {
      await store.clear(hashOf(key));
    },
  };
}

/** Bounded memory (rule 9): the oldest entries are dropped first when full. */
const MAX_ENTRIES = 100_000;

export function createMemoryRateLimiter(policy: BackoffPolicy, maxEntries = MAX_ENTRIES): RateLimiter {
  const entries = new Map<string, Entry>();
  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && now - entry.lastFailureAt >= policy.forgetAfter) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async retryAfter(key, now) {
      return waitFor(policy, live(key, now), now);
    },
    async recordFailure(key, now) {
      const entry = live(key, now) ?? { failures: 0, lastFailureAt: now };
      entry.failures += 1;
      entry.lastFailureAt = now;
      entries.delete(key);
      entries.set(key, entry);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    async recordSuccess(key) {
      entries.delete(key);
    },
  };
}
