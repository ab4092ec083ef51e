import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { type IdentityRecord, StoreConflictError } from '../../src/store/types.js';
import { NOW, openStoresWithUserAndClient, twoInstances, user } from './fixtures.js';

const ALICE = user().id;

function identity(overrides: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    connectorId: 'corp',
    issuer: 'https://idp.example.com',
    subject: 'upstream-123',
    userId: ALICE,
    email: 'alice@corp.example',
    createdAt: NOW,
    lastUsedAt: NOW,
    ...overrides,
  };
}

describeEachDialect('identity store', (ctx) => {
  test('finds an identity only by its whole (connector, issuer, subject) key', async (t) => {
    const { identities } = await openStoresWithUserAndClient(ctx, t);
    await identities.link(identity());
    assert.deepEqual(await identities.find(identity()), identity());
    assert.equal(await identities.find(identity({ connectorId: 'other' })), undefined);
    assert.equal(await identities.find(identity({ issuer: 'https://evil.example.com' })), undefined);
    assert.equal(await identities.find(identity({ subject: 'upstream-124' })), undefined);
  });

  test('the same triple cannot be linked twice, to the same or another user', async (t) => {
    const { identities, users } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await identities.link(identity());
    await assert.rejects(identities.link(identity({ userId: 'u-bob' })), StoreConflictError);
    await assert.rejects(identities.link(identity()), StoreConflictError);
    // The same subject at another issuer or through another connector is another identity.
    await identities.link(identity({ userId: 'u-bob', issuer: 'https://other.example.com' }));
    await identities.link(identity({ userId: 'u-bob', connectorId: 'github' }));
    assert.equal((await identities.listByUser('u-bob')).length, 2);
  });

  test('parallel links of one triple from two instances: exactly one wins', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.users.create(user({ id: 'u-bob', username: 'bob' }));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? one : two).identities.link(identity({ userId: i % 2 === 0 ? ALICE : 'u-bob' })),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.ok(r.reason instanceof StoreConflictError);
    }
  });

  test('recordUse updates the last use and the reported address, and keeps the key and the user', async (t) => {
    const { identities } = await openStoresWithUserAndClient(ctx, t);
    await identities.link(identity());
    assert.equal(await identities.recordUse(identity(), NOW + 60, 'alice@new.example'), true);
    assert.deepEqual(await identities.find(identity()), {
      ...identity(),
      lastUsedAt: NOW + 60,
      email: 'alice@new.example',
    });
    assert.equal(await identities.recordUse(identity({ subject: 'nobody' }), NOW + 60, null), false);
  });

  test('listByUser is oldest first; unlink removes only that user’s identity', async (t) => {
    const { identities, users } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await identities.link(identity({ connectorId: 'b', createdAt: NOW + 5 }));
    await identities.link(identity({ connectorId: 'a', createdAt: NOW }));
    await identities.link(identity({ connectorId: 'c', userId: 'u-bob' }));
    assert.deepEqual(
      (await identities.listByUser(ALICE)).map((i) => i.connectorId),
      ['a', 'b'],
    );
    assert.equal(await identities.unlink('u-bob', identity({ connectorId: 'a' })), false);
    assert.ok(await identities.find(identity({ connectorId: 'a' })));
    assert.equal(await identities.unlink(ALICE, identity({ connectorId: 'a' })), true);
    assert.equal(await identities.find(identity({ connectorId: 'a' })), undefined);
    assert.equal(await identities.unlink(ALICE, identity({ connectorId: 'a' })), false);
  });

  test('countByConnector counts the linked identities of each connector, across users', async (t) => {
    const { identities, users } = await openStoresWithUserAndClient(ctx, t);
    assert.deepEqual(await identities.countByConnector(), new Map());
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await identities.link(identity({ connectorId: 'corp' }));
    await identities.link(identity({ connectorId: 'corp', userId: 'u-bob', subject: 'upstream-9' }));
    await identities.link(identity({ connectorId: 'github' }));
    assert.deepEqual(
      await identities.countByConnector(),
      new Map([
        ['corp', 2],
        ['github', 1],
      ]),
    );
  });

  test('deleting the user deletes its identities', async (t) => {
    const { identities, database } = await openStoresWithUserAndClient(ctx, t);
    await identities.link(identity());
    await database.db
      .deleteFrom('users' as never)
      .where('id' as never, '=', ALICE as never)
      .execute();
    assert.equal(await identities.find(identity()), undefined);
  });
});
