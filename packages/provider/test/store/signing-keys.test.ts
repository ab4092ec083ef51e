import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import type { KeySetChange } from '../../src/store/types.js';
import { StoreConflictError } from '../../src/store/types.js';
import {
  contended,
  type Hold,
  lockRows,
  NOW,
  openMigratedStores,
  signingKey,
  twoInstances,
} from './fixtures.js';

/** A raw current-key row, for the session that blocks the bootstrap race. */
function keyRow(kid: string) {
  const key = signingKey(kid, 'current');
  return {
    kid,
    alg: key.alg,
    state: key.state,
    public_jwk: JSON.stringify(key.publicJwk),
    encrypted_private_key: key.encryptedPrivateKey,
    created_at: key.createdAt,
    activated_at: key.activatedAt,
    retired_at: key.retiredAt,
  };
}

/** The usual rotation: next → current, current → retired, and a new next. */
function rotation(newNext: string, at = NOW + 100): KeySetChange {
  return {
    transitions: [
      { kid: 'k2', from: 'next', to: 'current' },
      { kid: 'k1', from: 'current', to: 'retired' },
    ],
    insert: [signingKey(newNext, 'next', { createdAt: at })],
    at,
  };
}

const initialKeys: KeySetChange = {
  insert: [signingKey('k1', 'current'), signingKey('k2', 'next', { createdAt: NOW + 1 })],
  at: NOW,
};

describeEachDialect('signing key store', (ctx) => {
  test('lists keys oldest first, ties broken by kid, as they were inserted', async (t) => {
    const { signingKeys } = await openMigratedStores(ctx, t);
    assert.deepEqual(await signingKeys.list(), []);
    const keys = [
      signingKey('kb', 'next', {
        createdAt: NOW + 5,
        alg: 'RS256',
        publicJwk: { kty: 'RSA', n: 'nn', e: 'AQAB' },
      }),
      signingKey('kz', 'current'),
      signingKey('ka', 'retired', { createdAt: NOW + 5, activatedAt: NOW - 50, retiredAt: NOW - 1 }),
    ];
    assert.equal(await signingKeys.applyChange({ insert: keys, at: NOW }), true);
    assert.deepEqual(await signingKeys.list(), [keys[1], keys[2], keys[0]]);
  });

  test('applies a rotation: stamps activatedAt and retiredAt and inserts the new next key', async (t) => {
    const { signingKeys } = await openMigratedStores(ctx, t);
    await signingKeys.applyChange(initialKeys);
    assert.equal(await signingKeys.applyChange(rotation('k3')), true);
    assert.deepEqual(await signingKeys.list(), [
      signingKey('k1', 'retired', { activatedAt: NOW, retiredAt: NOW + 100 }),
      signingKey('k2', 'current', { createdAt: NOW + 1, activatedAt: NOW + 100 }),
      signingKey('k3', 'next', { createdAt: NOW + 100 }),
    ]);
  });

  test('applies transitions whatever order they are listed in', async (t) => {
    const { signingKeys } = await openMigratedStores(ctx, t);
    await signingKeys.applyChange(initialKeys);
    const change = rotation('k3');
    assert.equal(
      await signingKeys.applyChange({ ...change, transitions: [...(change.transitions ?? [])].reverse() }),
      true,
    );
    assert.deepEqual(
      (await signingKeys.list()).map((k) => [k.kid, k.state]),
      [
        ['k1', 'retired'],
        ['k2', 'current'],
        ['k3', 'next'],
      ],
    );
  });

  test('stops listing a removed key', async (t) => {
    const { signingKeys } = await openMigratedStores(ctx, t);
    await signingKeys.applyChange(initialKeys);
    await signingKeys.applyChange(rotation('k3'));
    const removal: KeySetChange = {
      transitions: [{ kid: 'k1', from: 'retired', to: 'removed' }],
      at: NOW + 200,
    };
    assert.equal(await signingKeys.applyChange(removal), true);
    assert.deepEqual(
      (await signingKeys.list()).map((k) => k.kid),
      ['k2', 'k3'],
    );
  });

  const staleChanges: { name: string; change: KeySetChange }[] = [
    {
      name: 'a key is no longer in the state the change expects',
      change: {
        transitions: [
          { kid: 'k1', from: 'current', to: 'retired' },
          { kid: 'k2', from: 'retired', to: 'current' },
        ],
        insert: [signingKey('k3', 'next')],
        at: NOW + 100,
      },
    },
    {
      name: 'a key does not exist',
      change: { transitions: [{ kid: 'k-missing', from: 'next', to: 'current' }], at: NOW + 100 },
    },
    {
      name: 'a second current key for the algorithm would result',
      change: { insert: [signingKey('k3', 'current')], at: NOW + 100 },
    },
  ];
  for (const { name, change } of staleChanges) {
    test(`changes nothing and returns false when ${name}`, async (t) => {
      const { signingKeys } = await openMigratedStores(ctx, t);
      await signingKeys.applyChange(initialKeys);
      const before = await signingKeys.list();
      assert.equal(await signingKeys.applyChange(change), false);
      assert.deepEqual(await signingKeys.list(), before);
    });
  }

  test('refuses to insert a key whose kid is taken', async (t) => {
    const { signingKeys } = await openMigratedStores(ctx, t);
    await signingKeys.applyChange(initialKeys);
    await assert.rejects(
      signingKeys.applyChange({ insert: [signingKey('k2', 'next')], at: NOW }),
      (error: unknown) => error instanceof StoreConflictError && error.field === 'kid',
    );
  });

  test('lets exactly one of two instances rotating at once apply its change', async (t) => {
    const { url, one, two } = await twoInstances(ctx, t);
    await one.signingKeys.applyChange(initialKeys);
    const hold = lockRows('signing_keys', sql`kid = 'k1'`);
    const results = await contended(ctx, url, t, { hold, table: 'signing_keys', racers: 2 }, () =>
      Promise.all([
        one.signingKeys.applyChange(rotation('k3-one')),
        two.signingKeys.applyChange(rotation('k3-two')),
      ]),
    );
    assert.deepEqual([...results].sort(), [false, true]);
    const winner = results[0] ? 'k3-one' : 'k3-two';
    assert.deepEqual(
      (await two.signingKeys.list()).map((k) => [k.kid, k.state]),
      [
        ['k1', 'retired'],
        ['k2', 'current'],
        [winner, 'next'],
      ],
    );
  });

  test('lets exactly one of two instances bootstrapping an empty key set make the current key', async (t) => {
    const { url, one, two } = await twoInstances(ctx, t);
    // Both instances saw no keys; each tries to make a current key for the same algorithm. On PostgreSQL
    // a third session's uncommitted current key makes both queue on the unique index before it rolls back.
    const bootstrap = (kid: string): KeySetChange => ({ insert: [signingKey(kid, 'current')], at: NOW });
    const hold: Hold = (trx) => trx.insertInto('signing_keys').values(keyRow('boot-blocker')).execute();
    const results = await contended(ctx, url, t, { hold, table: 'signing_keys', racers: 2 }, () =>
      Promise.all([
        one.signingKeys.applyChange(bootstrap('boot-one')),
        two.signingKeys.applyChange(bootstrap('boot-two')),
      ]),
    );
    assert.deepEqual([...results].sort(), [false, true]);
    assert.deepEqual(
      (await one.signingKeys.list()).map((k) => k.state),
      ['current'],
    );
  });
});
