import { createHash } from 'node:crypto';
import type { ThrottlePolicy, ThrottleStore } from '../store/types.js';

/**
 * Login throttling (checklist S1, NIST SP 800-63B §5.2.2): failures per key (an account, an IP) earn an
 * exponentially growing wait, capped, and forgotten after a quiet period. There is never a permanent
 * lockout, so an attacker cannot lock a person out for good by failing on purpose (a denial of service).
 *
 * L1: an attempt is reserved BEFORE it is checked, atomically, and counts as a failure from that
 * moment; the caller settles it afterwards (`release` when it did not fail, `clear` when a success
 * forgives the key). So a hundred attempts sent at once are counted as they arrive and at most the free
 * allowance is ever checked, where a read-check-record limiter lets every attempt in flight through.
 *
 * The provider counts in its database (createStoreRateLimiter), so every instance of a cluster sees
 * the same attempts: behind N instances an attacker gets no more than behind one. The in-memory
 * limiter serves tests and embedders that pass their own.
 */
export interface RateLimiter {
  reserve(key: string, now: number): Promise<Reservation>;
  /** The reserved attempt did not fail (or was not made after all): it stops counting. */
  release(key: string): Promise<void>;
  /** A success that forgives: every failure of `key` is forgotten. */
  clear(key: string): Promise<void>;
}

export type Reservation =
  | { readonly reserved: true }
  /** Wait `retryAfter` seconds; `refusals` counts the refused attempts of this throttled stretch. */
  | { readonly reserved: false; readonly retryAfter: number; readonly refusals: number };

export type BackoffPolicy = ThrottlePolicy;

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
  refused: number;
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
 * Reserves one attempt on each limiter in order. When one refuses, the reservations already made are
 * given back (the attempt is not made, so it must not count) and the refusal is returned.
 */
export async function reserveEach(
  now: number,
  limits: readonly { readonly limiter: RateLimiter; readonly key: string }[],
): Promise<Extract<Reservation, { reserved: false }> | undefined> {
  for (const [index, { limiter, key }] of limits.entries()) {
    const reservation = await limiter.reserve(key, now);
    if (!reservation.reserved) {
      await Promise.all(limits.slice(0, index).map((made) => made.limiter.release(made.key)));
      return reservation;
    }
  }
  return undefined;
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
    async reserve(key, now) {
      const hash = hashOf(key);
      if (await store.reserve(hash, now, policy)) return { reserved: true };
      const state = await store.refuse(hash);
      // Read after the refusal: the key may have been settled meanwhile, so never say "now".
      return {
        reserved: false,
        retryAfter: Math.max(1, waitFor(policy, state, now)),
        refusals: state?.refused ?? 1,
      };
    },
    release: (key) => store.release(hashOf(key)),
    clear: (key) => store.clear(hashOf(key)),
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
    // One event loop: nothing runs between the check and the count, so this is atomic as it stands.
    async reserve(key, now) {
      const entry = live(key, now);
      const wait = waitFor(policy, entry, now);
      if (entry !== undefined && wait > 0) {
        entry.refused += 1;
        return { reserved: false, retryAfter: wait, refusals: entry.refused };
      }
      const counted = entry ?? { failures: 0, lastFailureAt: now, refused: 0 };
      counted.failures += 1;
      counted.lastFailureAt = now;
      entries.delete(key);
      entries.set(key, counted);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return { reserved: true };
    },
    async release(key) {
      const entry = entries.get(key);
      if (entry !== undefined && entry.failures > 0) entry.failures -= 1;
    },
    async clear(key) {
      entries.delete(key);
    },
  };
}
