import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { contended, lockRows, NOW, openMigratedStores, twoInstances } from './fixtures.js';

const TTL = 30;

describeEachDialect('lease store', (ctx) => {
  test('grants a free lease', async (t) => {
    const { leases } = await openMigratedStores(ctx, t);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-a', NOW, TTL), true);
  });

  test('refuses the lease to another holder until it expires, and hands it over at expiry', async (t) => {
    const { leases } = await openMigratedStores(ctx, t);
    await leases.tryAcquire('key-rotation', 'instance-a', NOW, TTL);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + 1, TTL), false);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + TTL - 1, TTL), false);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + TTL, TTL), true);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-a', NOW + TTL + 1, TTL), false);
  });

  test('renews the lease for its holder, extending it from the renewal', async (t) => {
    const { leases } = await openMigratedStores(ctx, t);
    await leases.tryAcquire('key-rotation', 'instance-a', NOW, TTL);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-a', NOW + 20, TTL), true);
    // Without the renewal it would have expired at NOW + TTL.
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + TTL + 5, TTL), false);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + 20 + TTL, TTL), true);
  });

  test('frees the lease when its holder releases it, and ignores a release by anyone else', async (t) => {
    const { leases } = await openMigratedStores(ctx, t);
    await leases.tryAcquire('key-rotation', 'instance-a', NOW, TTL);
    await leases.release('key-rotation', 'instance-b');
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + 1, TTL), false);
    await leases.release('key-rotation', 'instance-a');
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-b', NOW + 1, TTL), true);
  });

  test('keeps leases of different names apart', async (t) => {
    const { leases } = await openMigratedStores(ctx, t);
    assert.equal(await leases.tryAcquire('key-rotation', 'instance-a', NOW, TTL), true);
    assert.equal(await leases.tryAcquire('cleanup', 'instance-b', NOW, TTL), true);
  });

  const invalid: { name: string; args: [string, string, number, number] }[] = [
    { name: 'an empty name', args: ['', 'a', NOW, TTL] },
    { name: 'an empty holder', args: ['l', '', NOW, TTL] },
    { name: 'a fractional now', args: ['l', 'a', NOW + 0.5, TTL] },
    { name: 'a negative now', args: ['l', 'a', -1, TTL] },
    { name: 'a zero ttl', args: ['l', 'a', NOW, 0] },
    { name: 'a non-integer ttl', args: ['l', 'a', NOW, 1.5] },
    { name: 'now in milliseconds far beyond safe integers', args: ['l', 'a', 2 ** 60, TTL] },
  ];
  for (const { name, args } of invalid) {
    test(`rejects ${name} and writes nothing`, async (t) => {
      const { leases } = await openMigratedStores(ctx, t);
      await assert.rejects(leases.tryAcquire(...args), TypeError);
      assert.equal(await leases.tryAcquire('l', 'other', NOW, TTL), true);
    });
  }

  test('hands an expired lease to exactly one of two instances taking it at once', async (t) => {
    const { url, one, two } = await twoInstances(ctx, t);
    await one.leases.tryAcquire('key-rotation', 'crashed-instance', NOW - 100, TTL);
    const results = await contended(
      ctx,
      url,
      t,
      { hold: lockRows('leases', sql`name = 'key-rotation'`), table: 'leases', racers: 2 },
      () =>
        Promise.all([
          one.leases.tryAcquire('key-rotation', 'instance-a', NOW, TTL),
          two.leases.tryAcquire('key-rotation', 'instance-b', NOW, TTL),
        ]),
    );
    assert.deepEqual([...results].sort(), [false, true]);
  });
});
