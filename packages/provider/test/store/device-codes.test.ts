import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { sql } from '@latchkey/store';
import { type DialectContext, describeEachDialect } from '@latchkey/store/testing';
import type { DeviceCodeRecord, DeviceCodeStore } from '../../src/store/types.js';
import { StoreConflictError } from '../../src/store/types.js';
import {
  contended,
  deviceCode,
  type Hold,
  lockRows,
  NOW,
  openMigratedStores,
  twoInstances,
} from './fixtures.js';

const CODE = deviceCode();
const APPROVAL = { userId: 'u-7f3a9c', grantId: 'g-1', sid: 'sid-1', authTime: NOW + 30 };
const APPROVED: DeviceCodeRecord = { ...CODE, status: 'approved', ...APPROVAL };

/** Stores with CODE in them, pending. */
async function withCode(t: TestContext, ctx: DialectContext): Promise<DeviceCodeStore> {
  const stores = await openMigratedStores(ctx, t);
  await stores.deviceCodes.create(CODE);
  return stores.deviceCodes;
}

describeEachDialect('device code store', (ctx) => {
  test('finds a created code by its user code while it is pending, exactly as it was given', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    assert.deepEqual(await deviceCodes.getPendingByUserCode(CODE.userCode, NOW + 1), CODE);
    assert.equal(await deviceCodes.getPendingByUserCode('BCDFGHJK', NOW + 1), undefined);
  });

  const notPending: { name: string; at: number; change: (codes: DeviceCodeStore) => Promise<unknown> }[] = [
    { name: 'expired', at: CODE.expiresAt, change: async () => {} },
    { name: 'approved', at: NOW + 40, change: (codes) => codes.approve(CODE.userCode, APPROVAL, NOW + 30) },
    { name: 'denied', at: NOW + 40, change: (codes) => codes.deny(CODE.userCode, NOW + 30) },
    {
      name: 'consumed',
      at: NOW + 40,
      change: async (codes) => {
        await codes.approve(CODE.userCode, APPROVAL, NOW + 30);
        await codes.consume(CODE.deviceCodeHash, NOW + 35);
      },
    },
  ];
  for (const { name, at, change } of notPending) {
    test(`does not offer a code by its user code once ${name}`, async (t) => {
      const deviceCodes = await withCode(t, ctx);
      await change(deviceCodes);
      assert.equal(await deviceCodes.getPendingByUserCode(CODE.userCode, at), undefined);
    });
  }

  test('approves a pending code once, recording who approved it and the grant', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    assert.equal(await deviceCodes.approve(CODE.userCode, APPROVAL, NOW + 30), true);
    assert.deepEqual(await deviceCodes.poll(CODE.deviceCodeHash, NOW + 31), APPROVED);
    assert.equal(await deviceCodes.approve(CODE.userCode, { ...APPROVAL, userId: 'u-bob' }, NOW + 32), false);
    assert.equal(await deviceCodes.deny(CODE.userCode, NOW + 32), false);
    assert.equal((await deviceCodes.poll(CODE.deviceCodeHash, NOW + 33))?.userId, APPROVAL.userId);
  });

  test('denies a pending code once, and it can no longer be approved', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    assert.equal(await deviceCodes.deny(CODE.userCode, NOW + 30), true);
    assert.equal(await deviceCodes.deny(CODE.userCode, NOW + 31), false);
    assert.equal(await deviceCodes.approve(CODE.userCode, APPROVAL, NOW + 31), false);
    assert.deepEqual(await deviceCodes.poll(CODE.deviceCodeHash, NOW + 32), { ...CODE, status: 'denied' });
  });

  test('neither approves nor denies an expired code, nor an unknown user code', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    assert.equal(await deviceCodes.approve(CODE.userCode, APPROVAL, CODE.expiresAt), false);
    assert.equal(await deviceCodes.deny(CODE.userCode, CODE.expiresAt), false);
    assert.equal(await deviceCodes.approve('BCDFGHJK', APPROVAL, NOW), false);
    assert.equal(await deviceCodes.deny('BCDFGHJK', NOW), false);
    assert.equal((await deviceCodes.poll(CODE.deviceCodeHash, NOW))?.status, 'pending');
  });

  test('returns each poll the record as it was before it, and records the poll time and interval', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    assert.deepEqual(await deviceCodes.poll(CODE.deviceCodeHash, NOW + 5), CODE);
    assert.deepEqual(await deviceCodes.poll(CODE.deviceCodeHash, NOW + 7, 10), {
      ...CODE,
      lastPolledAt: NOW + 5,
    });
    assert.deepEqual(await deviceCodes.poll(CODE.deviceCodeHash, NOW + 20), {
      ...CODE,
      lastPolledAt: NOW + 7,
      interval: 10,
    });
    assert.equal((await deviceCodes.poll(CODE.deviceCodeHash, NOW + 30))?.interval, 10);
    assert.equal(await deviceCodes.poll('unknown-hash', NOW), undefined);
  });

  test('consumes an approved code once, and never a pending, denied, expired or unknown one', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    assert.equal(await deviceCodes.consume(CODE.deviceCodeHash, NOW + 10), false);
    await deviceCodes.approve(CODE.userCode, APPROVAL, NOW + 30);
    assert.equal(await deviceCodes.consume(CODE.deviceCodeHash, CODE.expiresAt), false);
    assert.equal(await deviceCodes.consume(CODE.deviceCodeHash, NOW + 40), true);
    assert.equal(await deviceCodes.consume(CODE.deviceCodeHash, NOW + 41), false);
    assert.equal((await deviceCodes.poll(CODE.deviceCodeHash, NOW + 42))?.status, 'consumed');
    assert.equal(await deviceCodes.consume('unknown-hash', NOW + 40), false);

    await deviceCodes.create(deviceCode({ deviceCodeHash: 'h-denied', userCode: 'BCDFGHJK' }));
    await deviceCodes.deny('BCDFGHJK', NOW + 30);
    assert.equal(await deviceCodes.consume('h-denied', NOW + 40), false);
  });

  test('refuses a second live code with the same user code, so the caller generates another', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    await assert.rejects(
      deviceCodes.create(deviceCode({ deviceCodeHash: 'h-other', createdAt: NOW + 10 })),
      (error: unknown) =>
        error instanceof StoreConflictError && error.entity === 'device code' && error.field === 'user_code',
    );
    assert.deepEqual(await deviceCodes.getPendingByUserCode(CODE.userCode, NOW + 10), CODE);
  });

  test('refuses a code whose device code hash is taken', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    await assert.rejects(
      deviceCodes.create(deviceCode({ userCode: 'BCDFGHJK' })),
      (error: unknown) => error instanceof StoreConflictError && error.field === 'device_code_hash',
    );
  });

  test('frees the user code of an expired code, before or without deleteExpired', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    const next = deviceCode({
      deviceCodeHash: 'h-next',
      createdAt: CODE.expiresAt,
      expiresAt: CODE.expiresAt + 600,
    });
    await deviceCodes.create(next);
    assert.deepEqual(await deviceCodes.getPendingByUserCode(CODE.userCode, CODE.expiresAt), next);
    assert.equal(await deviceCodes.poll(CODE.deviceCodeHash, CODE.expiresAt), undefined);
  });

  test('deleteExpired deletes codes that expired before the time given, freeing their user codes', async (t) => {
    const deviceCodes = await withCode(t, ctx);
    await deviceCodes.create(
      deviceCode({ deviceCodeHash: 'h-edge', userCode: 'BCDFGHJK', expiresAt: NOW + 700 }),
    );
    assert.equal(await deviceCodes.deleteExpired(NOW + 700), 1);
    assert.equal(await deviceCodes.poll(CODE.deviceCodeHash, NOW), undefined);
    assert.notEqual(await deviceCodes.poll('h-edge', NOW), undefined);
    assert.equal(await deviceCodes.deleteExpired(NOW + 700), 0);
    await deviceCodes.create(deviceCode({ deviceCodeHash: 'h-new', createdAt: NOW + 10 }));
    assert.equal((await deviceCodes.getPendingByUserCode(CODE.userCode, NOW + 10))?.deviceCodeHash, 'h-new');
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    const onCode = lockRows('device_codes', sql`device_code_hash = ${CODE.deviceCodeHash}`);

    test(`of two instances redeeming one approved code at once, exactly one consumes it${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.deviceCodes.create(CODE);
      await one.deviceCodes.approve(CODE.userCode, APPROVAL, NOW + 30);
      const results = await contended(ctx, url, t, { hold: onCode, table: 'device_codes', racers: 2 }, () =>
        Promise.all([
          one.deviceCodes.consume(CODE.deviceCodeHash, NOW + 40),
          two.deviceCodes.consume(CODE.deviceCodeHash, NOW + 40),
        ]),
      );
      assert.deepEqual([...results].sort(), [false, true]);
    });

    test(`of an approval and a denial at once, exactly one decides the code${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.deviceCodes.create(CODE);
      const results = await contended(ctx, url, t, { hold: onCode, table: 'device_codes', racers: 2 }, () =>
        Promise.all([
          one.deviceCodes.approve(CODE.userCode, APPROVAL, NOW + 30),
          two.deviceCodes.deny(CODE.userCode, NOW + 30),
        ]),
      );
      assert.deepEqual([...results].sort(), [false, true]);
      const status = (await one.deviceCodes.poll(CODE.deviceCodeHash, NOW + 31))?.status;
      assert.equal(status, results[0] ? 'approved' : 'denied');
    });

    test(`of two instances creating codes with one user code at once, one is refused as a conflict${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      // A third session's uncommitted code with the same user code makes both queue on the unique index.
      const hold: Hold = (trx) =>
        trx
          .insertInto('device_codes')
          .values({
            device_code_hash: 'h-blocker',
            user_code: CODE.userCode,
            client_id: CODE.clientId,
            scopes: '[]',
            resources: '[]',
            status: 'pending',
            interval: CODE.interval,
            last_polled_at: null,
            user_id: null,
            grant_id: null,
            sid: null,
            auth_time: null,
            created_at: CODE.createdAt,
            expires_at: CODE.expiresAt,
          })
          .execute();
      const results = await contended(ctx, url, t, { hold, table: 'device_codes', racers: 2 }, () =>
        Promise.allSettled([
          one.deviceCodes.create(deviceCode({ deviceCodeHash: 'h-one' })),
          two.deviceCodes.create(deviceCode({ deviceCodeHash: 'h-two' })),
        ]),
      );
      const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(refused.length, 1);
      assert.ok(
        refused[0] instanceof StoreConflictError && refused[0].field === 'user_code',
        String(refused[0]),
      );
    });

    test(`of two polls at once, the second sees the first one's poll${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.deviceCodes.create(CODE);
      const results = await contended(ctx, url, t, { hold: onCode, table: 'device_codes', racers: 2 }, () =>
        Promise.all([
          one.deviceCodes.poll(CODE.deviceCodeHash, NOW + 5),
          two.deviceCodes.poll(CODE.deviceCodeHash, NOW + 6),
        ]),
      );
      const seen = results.map((r) => r?.lastPolledAt ?? null);
      assert.ok(
        JSON.stringify(seen) === JSON.stringify([null, NOW + 5]) ||
          JSON.stringify(seen) === JSON.stringify([NOW + 6, null]),
        `each poll saw ${JSON.stringify(seen)}`,
      );
    });
  }
});
