import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Kysely, openDatabase, sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { createRequestRateLimiter } from '../../src/limits/request-rate.js';
import { createRequestRateStore } from '../../src/store/request-rates.js';
import type { ProviderSchema } from '../../src/store/schema.js';
import {
  contended,
  type Hold,
  lockRows,
  openMigratedStores,
  openStoresOn,
  twoInstances,
} from './fixtures.js';

const KEY = 'cmF0ZS1vZi1jbGllbnQtdHY';
const AT = 1_800_000_000_000;
/** Five at once, then one every 12 s: five a minute. */
const RATE = { limit: 5, intervalMs: 12_000 };
const RACERS = 30;

describeEachDialect('request rates (L3, counted in the database)', (ctx) => {
  test('L3: the limit is taken at once, then one request per interval; the wait is reported', async (t) => {
    const { requestRates } = await openMigratedStores(ctx, t);
    for (let i = 0; i < 5; i++) assert.equal(await requestRates.take(KEY, AT, RATE), 0);
    assert.equal(await requestRates.take(KEY, AT, RATE), 12_000);
    assert.equal(await requestRates.take(KEY, AT + 5_000, RATE), 7_000, 'a refusal takes nothing');
    assert.equal(await requestRates.take(KEY, AT + 12_000, RATE), 0);
    assert.equal(await requestRates.take(KEY, AT + 12_000, RATE), 12_000);
    assert.equal(await requestRates.take('another key', AT, RATE), 0, 'keys are independent');
    for (let i = 0; i < 5; i++) assert.equal(await requestRates.take(KEY, AT + 72_000, RATE), 0, 'refilled');
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    for (const existing of [false, true]) {
      const name = existing ? 'a key in use' : 'a new key';
      test(`L3: ${RACERS} requests racing on ${name} from two instances: at most the limit is taken${isolation}`, async (t) => {
        const { url, one, two } = await twoInstances(ctx, t, { serializable });
        if (existing) assert.equal(await one.requestRates.take(KEY, AT - 1, RATE), 0);
        const hold: Hold = existing
          ? lockRows('request_rates', sql`key_hash = ${KEY}`)
          : (trx) => trx.insertInto('request_rates').values({ key_hash: KEY, arrival_at_ms: 0 }).execute();
        const waits = await contended(ctx, url, t, { hold, table: 'request_rates', racers: 4 }, () =>
          Promise.all(
            Array.from({ length: RACERS }, (_, i) => (i % 2 ? one : two).requestRates.take(KEY, AT, RATE)),
          ),
        );
        const taken = waits.filter((w) => w === 0).length;
        const allowance = existing ? 4 : 5;
        if (serializable) assert.ok(taken >= 1 && taken <= allowance, `${taken} taken`);
        else assert.equal(taken, allowance);
      });
    }
  }

  if (ctx.dialect === 'postgres') {
    test('a counter move is committed without waiting for the WAL flush, and only it', async (t) => {
      const url = await ctx.freshUrl();
      await openStoresOn(url, t, { migrate: true });
      // One connection, so the statement after the take runs where the take ran.
      const database = await openDatabase(url, { poolSize: 1 });
      t.after(() => database.close());
      const db: Kysely<ProviderSchema> = database.db;
      const setting = async (runner: Kysely<ProviderSchema>) =>
        (await sql<{ s: string }>`select current_setting('synchronous_commit') as s`.execute(runner)).rows[0]
          ?.s;
      // Inside a transaction the setting the take's commit will read can be observed before the commit.
      const inside = await db.transaction().execute(async (trx) => {
        assert.equal(await createRequestRateStore(trx).take(KEY, AT, RATE), 0);
        return setting(trx);
      });
      assert.equal(inside, 'off', "the take's transaction commits asynchronously");
      assert.equal(await createRequestRateStore(db).take(KEY, AT, RATE), 0, 'autocommitted');
      assert.equal(await setting(db), 'on', "the connection's next transaction waits for the flush again");
    });
  }

  test('L3: keys are stored hashed per namespace; housekeeping deletes recovered keys in bounded batches', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    const perClient = createRequestRateLimiter(stores.requestRates, 60, 'device-authorization-client');
    const perAddress = createRequestRateLimiter(stores.requestRates, 1, 'device-authorization-address');
    assert.equal(await perAddress.take('203.0.113.9', 1000), 0);
    assert.equal(await perAddress.take('203.0.113.9', 1000), 60, 'seconds, rounded up');
    assert.equal(await perClient.take('203.0.113.9', 1000), 0, 'another namespace, another count');
    const rows = await sql<{ key_hash: string }>`select key_hash from request_rates`.execute(
      stores.database.db,
    );
    assert.equal(rows.rows.length, 2);
    assert.ok(rows.rows.every((r) => /^[A-Za-z0-9_-]{43}$/.test(r.key_hash) && !r.key_hash.includes('203')));
    assert.equal(
      await stores.requestRates.deleteIdleSince(1000 * 1000 + 1001, 5),
      1,
      'only the recovered one',
    );
    for (let i = 0; i < 3; i++) await stores.requestRates.take(`k${i}`, 0, RATE);
    assert.equal(await stores.requestRates.deleteIdleSince(AT, 2), 2, 'one batch');
    assert.equal(await stores.requestRates.deleteIdleSince(AT, 2), 2, 'the rest');
  });
});
