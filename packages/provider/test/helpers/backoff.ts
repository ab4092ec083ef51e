import assert from 'node:assert/strict';
import type { BackoffPolicy, RateLimiter } from '../../src/login/rate-limiter.js';

/** Two free failures, then 1, 2, 4, 8 s (the cap), forgotten after a quiet hour. */
export const BACKOFF_UNDER_TEST: BackoffPolicy = {
  freeFailures: 2,
  baseDelay: 1,
  maxDelay: 8,
  forgetAfter: 3600,
};

/** S1: what every RateLimiter over BACKOFF_UNDER_TEST must do, in memory or in the database. */
export async function assertBackoff(limiter: RateLimiter): Promise<void> {
  const waits: number[] = [];
  for (let i = 0; i < 7; i++) {
    waits.push(await limiter.retryAfter('k', 1000));
    await limiter.recordFailure('k', 1000);
  }
  assert.deepEqual(waits, [0, 0, 1, 2, 4, 8, 8]);
  assert.equal(await limiter.retryAfter('k', 1000 + 8), 0, 'the wait ends');
  assert.equal(await limiter.retryAfter('other', 1000), 0, 'keys are independent');
  await limiter.recordFailure('k', 1010);
  assert.ok((await limiter.retryAfter('k', 1010)) > 0);
  assert.equal(await limiter.retryAfter('k', 1010 + 3600), 0, 'forgotten after the quiet period');
  await limiter.recordFailure('k', 1010 + 3600);
  assert.equal(
    await limiter.retryAfter('k', 1010 + 3600),
    0,
    'a failure after the quiet period counts from one',
  );
  await limiter.recordSuccess('k');
  assert.equal(await limiter.retryAfter('k', 1010), 0);
}
