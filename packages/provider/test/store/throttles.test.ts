import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { USER_CODE_POLICY } from '../../src/endpoints/device/index.js';
import { THROTTLE_IDLE_LIMIT } from '../../src/housekeeping/index.js';
import { ACCOUNT_POLICY, createStoreRateLimiter, IP_POLICY } from '../../src/login/rate-limiter.js';
import { assertBackoff, BACKOFF_UNDER_TEST } from '../helpers/backoff.js';
import { openMigratedStores, twoInstances } from './fixtures.js';

describeEachDialect('throttles (S1, counted in the database)', (ctx) => {
  test('S1: the database limiter doubles the wait per failure, caps it, and forgets after a quiet hour', async (t) => {
    const { throttles } = await openMigratedStores(ctx, t);
    await assertBackoff(createStoreRateLimiter(throttles, BACKOFF_UNDER_TEST, 'test'));
  });

  test('S1: failures counted by two instances at once add up, so a cluster gives no extra attempts', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    const limiters = [one, two].map((s) => createStoreRateLimiter(s.throttles, BACKOFF_UNDER_TEST, 'test'));
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => limiters[i % 2]!.recordFailure('account:alice', 1000)),
    );
    // Six failures with two free: a wait of 2^3 s, capped at 8, seen by both instances.
    assert.equal(await limiters[0]!.retryAfter('account:alice', 1000), 8);
    assert.equal(await limiters[1]!.retryAfter('account:alice', 1000), 8);
  });

  test('S1: keys are stored hashed, and limiters of different namespaces never share a count', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    const accounts = createStoreRateLimiter(stores.throttles, BACKOFF_UNDER_TEST, 'sign-in-account');
    const codes = createStoreRateLimiter(stores.throttles, BACKOFF_UNDER_TEST, 'device-user-code');
    for (let i = 0; i < 4; i++) await accounts.recordFailure('account:alice@example.com', 1000);
    assert.ok((await accounts.retryAfter('account:alice@example.com', 1000)) > 0);
    assert.equal(await codes.retryAfter('account:alice@example.com', 1000), 0);
    const rows = await sql<{ key_hash: string }>`select key_hash from throttles`.execute(stores.database.db);
    assert.equal(rows.rows.length, 1);
    assert.match(rows.rows[0]!.key_hash, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!rows.rows[0]!.key_hash.includes('alice'));
  });

  test('housekeeping deletes idle counts, and no policy remembers failures longer than it keeps them', async (t) => {
    const { throttles } = await openMigratedStores(ctx, t);
    await throttles.recordFailure('old', 1000, 3600);
    await throttles.recordFailure('recent', 5000, 3600);
    assert.equal(await throttles.deleteIdleSince(2000), 1);
    assert.equal(await throttles.get('old'), undefined);
    assert.deepEqual(await throttles.get('recent'), { failures: 1, lastFailureAt: 5000 });
    for (const policy of [ACCOUNT_POLICY, IP_POLICY, USER_CODE_POLICY]) {
      assert.ok(policy.forgetAfter <= THROTTLE_IDLE_LIMIT);
    }
  });
});
