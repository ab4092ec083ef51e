import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { contended, type Hold, lockRows, NOW, openMigratedStores, twoInstances } from './fixtures.js';

/** What the private_key_jwt flow would remember: the client and the assertion's `jti`. */
const KEY = 'app:jti-4f1c2b0e-77aa';
const EXPIRES_AT = NOW + 60;

describeEachDialect('replay cache', (ctx) => {
  test('C3: remembers a key the first time and reports every use before it expires as a replay', async (t) => {
    const { replayCache } = await openMigratedStores(ctx, t);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT, NOW), true);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT, NOW + 1), false);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT + 600, EXPIRES_AT - 1), false);
  });

  test('remembers a key afresh once it has expired, until its new expiry', async (t) => {
    const { replayCache } = await openMigratedStores(ctx, t);
    await replayCache.remember(KEY, EXPIRES_AT, NOW);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT + 60, EXPIRES_AT), true);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT + 60, EXPIRES_AT + 59), false);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT + 120, EXPIRES_AT + 60), true);
  });

  test('keeps different keys apart', async (t) => {
    const { replayCache } = await openMigratedStores(ctx, t);
    assert.equal(await replayCache.remember(KEY, EXPIRES_AT, NOW), true);
    assert.equal(await replayCache.remember('other-app:jti-4f1c2b0e-77aa', EXPIRES_AT, NOW), true);
  });

  test('deleteExpired deletes keys that expired before the time given, and counts them', async (t) => {
    const { replayCache, database } = await openMigratedStores(ctx, t);
    await replayCache.remember('k-old', NOW + 10, NOW);
    await replayCache.remember('k-edge', NOW + 20, NOW);
    await replayCache.remember('k-new', NOW + 30, NOW);
    assert.equal(await replayCache.deleteExpired(NOW + 20), 1);
    assert.equal(await replayCache.deleteExpired(NOW + 20), 0);
    const { rows } = await sql<{ key: string }>`select key from replay_cache order by key`.execute(
      database.db,
    );
    assert.deepEqual(
      rows.map((row) => row.key),
      ['k-edge', 'k-new'],
    );
    // What was kept still stops a replay: deleteExpired never frees a live key.
    assert.equal(await replayCache.remember('k-edge', NOW + 40, NOW + 19), false);
  });

  const races: { name: string; seen: boolean; hold: Hold }[] = [
    {
      name: 'a new key',
      seen: false,
      // An uncommitted row for the key in a third session makes both racers queue on the primary key.
      hold: (trx) => trx.insertInto('replay_cache').values({ key: KEY, expires_at: EXPIRES_AT }).execute(),
    },
    { name: 'an expired key', seen: true, hold: lockRows('replay_cache', sql`key = ${KEY}`) },
  ];
  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    for (const { name, seen, hold } of races) {
      test(`C3: of two instances remembering ${name} at once, exactly one sees it first${isolation}`, async (t) => {
        const { url, one, two } = await twoInstances(ctx, t, { serializable });
        if (seen) await one.replayCache.remember(KEY, NOW - 1, NOW - 100);
        const results = await contended(ctx, url, t, { hold, table: 'replay_cache', racers: 2 }, () =>
          Promise.all([
            one.replayCache.remember(KEY, EXPIRES_AT, NOW),
            two.replayCache.remember(KEY, EXPIRES_AT, NOW),
          ]),
        );
        assert.deepEqual([...results].sort(), [false, true]);
      });
    }
  }
});
