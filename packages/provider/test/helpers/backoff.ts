import assert from 'node:assert/strict';
import type { BackoffPolicy, RateLimiter } from '../../src/login/rate-limiter.js';

/** Two free failures, then 1, 2, 4, 8 s (the cap), forgotten after a quiet hour. */
export const BACKOFF_UNDER_TEST: BackoffPolicy = {
  freeFailures: 2,
  baseDelay: 1,
  maxDelay: 8,
  forgetAfter: 3600,
};

/** The wait a reservation was refused with; 0 when it was reserved. */
async function waitOf(limiter: RateLimiter, key: string, now: number): Promise<number> {
  const reservation = await limiter.reserve(key, now);
  return reservation.reserved ? 0 : reservation.retryAfter;
}

/**
 * S1 and L1: what every RateLimiter over BACKOFF_UNDER_TEST must do, in memory or in the database. An
 * attempt counts as a failure from its reservation; a refused one is not counted.
 */
export async function assertBackoff(limiter: RateLimiter): Promise<void> {
  let now = 1000;
  const waits: number[] = [];
  for (let i = 0; i < 7; i++) {
    const wait = await waitOf(limiter, 'k', now);
    waits.push(wait);
    if (wait > 0) {
      assert.equal(await waitOf(limiter, 'k', now), wait, 'a refused attempt is not counted');
      now += wait;
      assert.equal(await waitOf(limiter, 'k', now), 0, 'the wait ends');
    }
  }
  // Two free, then each reserved attempt after a wait doubles the next one, up to the cap.
  assert.deepEqual(waits, [0, 0, 1, 2, 4, 8, 8]);
  assert.equal(await waitOf(limiter, 'other', now), 0, 'keys are independent');
  assert.ok((await waitOf(limiter, 'k', now)) > 0);
  assert.equal(await waitOf(limiter, 'k', now + 3600), 0, 'forgotten after the quiet period');
  assert.equal(
    await waitOf(limiter, 'k', now + 3600),
    0,
    'a reservation after the quiet period counts from one',
  );
  assert.equal(await waitOf(limiter, 'k', now + 3600), 1, '…so the third one waits again');
  await limiter.release('k');
  assert.equal(await waitOf(limiter, 'k', now + 3600), 0, 'a released attempt no longer counts');
  await limiter.clear('k');
  assert.equal(await waitOf(limiter, 'k', now + 3600), 0);
  assert.equal(await waitOf(limiter, 'k', now + 3600), 0, 'a cleared key starts over');
}
