import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { USER_CODE_POLICY } from '../../src/endpoints/device/index.js';
import { THROTTLE_IDLE_LIMIT } from '../../src/housekeeping/index.js';
import { ACCOUNT_POLICY, createStoreRateLimiter, IP_POLICY } from '../../src/login/rate-limiter.js';
import { assertBackoff, BACKOFF_UNDER_TEST } from '../helpers/backoff.js';
import { contended, type Hold, lockRows, openMigratedStores, twoInstances } from './fixtures.js';

const KEY = 'a2V5LWhhc2gtb2YtYWxpY2U';
/** Parallel attempts in each race; more than the two pools' four connections, so most of them queue. */
const RACERS = 30;

describeEachDialect('throttles (S1, L1: counted in the database)', (ctx) => {
  test('S1: the database limiter doubles the wait per failure, caps it, and forgets after a quiet hour', async (t) => {
    const { throttles } = await openMigratedStores(ctx, t);
    await assertBackoff(createStoreRateLimiter(throttles, BACKOFF_UNDER_TEST, 'test'));
  });

  test('S1: attempts reserved by two instances add up, so a cluster gives no extra attempts', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    const limiters = [one, two].map((s) => createStoreRateLimiter(s.throttles, BACKOFF_UNDER_TEST, 'test'));
    assert.equal((await limiters[0]!.reserve('account:alice', 1000)).reserved, true);
    assert.equal((await limiters[1]!.reserve('account:alice', 1000)).reserved, true);
    // Two free, counted on either instance: the third waits, seen from both.
    assert.deepEqual(await limiters[0]!.reserve('account:alice', 1000), {
      reserved: false,
      retryAfter: 1,
      refusals: 1,
    });
    assert.deepEqual(await limiters[1]!.reserve('account:alice', 1000), {
      reserved: false,
      retryAfter: 1,
      refusals: 2,
    });
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    for (const existing of [false, true]) {
      const name = existing ? 'a key with failures' : 'a new key';
      test(`L1: ${RACERS} reservations racing on ${name} from two instances: at most the free allowance is reserved${isolation}`, async (t) => {
        const { url, one, two } = await twoInstances(ctx, t, { serializable });
        const policy = { ...BACKOFF_UNDER_TEST, freeFailures: 5 };
        if (existing) assert.equal(await one.throttles.reserve(KEY, 900, policy), true);
        // An uncommitted row for a new key, or a lock on the existing one, in a third session.
        const hold: Hold = existing
          ? lockRows('throttles', sql`key_hash = ${KEY}`)
          : (trx) =>
              trx
                .insertInto('throttles')
                .values({ key_hash: KEY, failures: 1, last_failure_at: 1 })
                .execute();
        const results = await contended(ctx, url, t, { hold, table: 'throttles', racers: 4 }, () =>
          Promise.all(
            Array.from({ length: RACERS }, (_, i) =>
              (i % 2 ? one : two).throttles.reserve(KEY, 1000, policy),
            ),
          ),
        );
        const reserved = results.filter(Boolean).length;
        const allowance = existing ? 4 : 5;
        // READ COMMITTED queues every racer on the row: exactly the allowance. SERIALIZABLE may refuse a
        // racer that kept losing (the strict answer), never let one more through.
        if (serializable) assert.ok(reserved >= 1 && reserved <= allowance, `${reserved} reserved`);
        else assert.equal(reserved, allowance);
        assert.equal((await one.throttles.get(KEY))?.failures, reserved + (existing ? 1 : 0));
      });
    }
  }

  test('L1: a refused attempt is counted as a refusal, not a failure; release gives one attempt back; clear forgets all', async (t) => {
    const { throttles } = await openMigratedStores(ctx, t);
    const policy = { ...BACKOFF_UNDER_TEST, freeFailures: 1 };
    assert.equal(await throttles.refuse(KEY), undefined, 'no row, nothing to count');
    assert.equal(await throttles.reserve(KEY, 1000, policy), true);
    assert.equal(await throttles.reserve(KEY, 1000, policy), false);
    assert.deepEqual(await throttles.refuse(KEY), { failures: 1, lastFailureAt: 1000, refused: 1 });
    assert.deepEqual(await throttles.refuse(KEY), { failures: 1, lastFailureAt: 1000, refused: 2 });
    await throttles.release(KEY);
    assert.deepEqual(await throttles.get(KEY), { failures: 0, lastFailureAt: 1000, refused: 2 });
    await throttles.release(KEY);
    assert.equal((await throttles.get(KEY))?.failures, 0, 'never below zero');
    assert.equal(await throttles.reserve(KEY, 1000, policy), true);
    await throttles.clear(KEY);
    assert.equal(await throttles.get(KEY), undefined);
    assert.equal(await throttles.reserve(KEY, 1000, policy), true);
    assert.equal(await throttles.reserve(KEY, 1000 + 3600, policy), true, 'forgotten after the quiet period');
    assert.deepEqual(await throttles.get(KEY), { failures: 1, lastFailureAt: 4600, refused: 0 });
  });

  test('S1: keys are stored hashed, and limiters of different namespaces never share a count', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    const accounts = createStoreRateLimiter(stores.throttles, BACKOFF_UNDER_TEST, 'sign-in-account');
    const codes = createStoreRateLimiter(stores.throttles, BACKOFF_UNDER_TEST, 'device-user-code');
    for (let i = 0; i < 2; i++) await accounts.reserve('account:alice@example.com', 1000);
    assert.equal((await accounts.reserve('account:alice@example.com', 1000)).reserved, false);
    assert.equal((await codes.reserve('account:alice@example.com', 1000)).reserved, true);
    await codes.clear('account:alice@example.com');
    const rows = await sql<{ key_hash: string }>`select key_hash from throttles`.execute(stores.database.db);
    assert.equal(rows.rows.length, 1);
    assert.match(rows.rows[0]!.key_hash, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!rows.rows[0]!.key_hash.includes('alice'));
  });

  test('housekeeping deletes idle counts in bounded batches, and no policy remembers failures longer than it keeps them', async (t) => {
    const { throttles } = await openMigratedStores(ctx, t);
    for (const key of ['old-1', 'old-2', 'old-3']) await throttles.reserve(key, 1000, ACCOUNT_POLICY);
    await throttles.reserve('recent', 5000, ACCOUNT_POLICY);
    assert.equal(await throttles.deleteIdleSince(2000, 2), 2, 'one batch');
    assert.equal(await throttles.deleteIdleSince(2000, 2), 1, 'the rest');
    assert.equal(await throttles.get('old-3'), undefined);
    assert.deepEqual(await throttles.get('recent'), { failures: 1, lastFailureAt: 5000, refused: 0 });
    for (const policy of [ACCOUNT_POLICY, IP_POLICY, USER_CODE_POLICY]) {
      assert.ok(policy.forgetAfter <= THROTTLE_IDLE_LIMIT);
    }
  });
});
