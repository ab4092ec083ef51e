import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { StoreConflictError } from '../../src/store/types.js';
import { NOW, openMigratedStores, user } from './fixtures.js';

describeEachDialect('user store', (ctx) => {
  test('returns a created user by id exactly as it was given', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    const alice = user();
    const bare = user({
      id: 'u-2',
      username: 'bob',
      email: null,
      emailVerified: false,
      profile: {},
      passwordHash: null,
      passwordChangedAt: null,
      disabled: true,
    });
    await users.create(alice);
    await users.create(bare);
    assert.deepEqual(await users.getById(alice.id), alice);
    assert.deepEqual(await users.getById('u-2'), bare);
    assert.equal(await users.getById('u-unknown'), undefined);
  });

  test('getByIdInGroup gives the user with whether they are in the group, in one read', async (t) => {
    const { users, groups } = await openMigratedStores(ctx, t);
    const alice = user({ id: 'u-1', username: 'alice' });
    await users.create(alice);
    await users.create(user({ id: 'u-2', username: 'bob' }));
    await groups.create({ name: 'admins', createdAt: NOW });
    await groups.create({ name: 'ops', createdAt: NOW });
    await groups.addMember('admins', 'u-1', NOW);
    await groups.addMember('ops', 'u-2', NOW);
    assert.deepEqual(await users.getByIdInGroup('u-1', 'admins'), { user: alice, member: true });
    assert.equal((await users.getByIdInGroup('u-1', 'ops'))?.member, false);
    assert.equal((await users.getByIdInGroup('u-2', 'admins'))?.member, false);
    assert.equal((await users.getByIdInGroup('u-2', 'ops'))?.member, true);
    assert.equal(await users.getByIdInGroup('u-unknown', 'admins'), undefined);
  });

  test('stores the username lower-cased and finds it whatever the case', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user({ username: 'Alice.Liddell' }));
    for (const asked of ['alice.liddell', 'ALICE.LIDDELL', 'Alice.Liddell']) {
      const found = await users.getByUsername(asked);
      assert.equal(found?.id, 'u-7f3a9c', asked);
      assert.equal(found?.username, 'alice.liddell');
    }
    assert.equal(await users.getByUsername('alice'), undefined);
  });

  const conflicts = [
    { name: 'the same username', second: user({ id: 'u-other' }), field: 'username' },
    {
      name: 'the username in another case',
      second: user({ id: 'u-other', username: 'ALICE' }),
      field: 'username',
    },
    { name: 'the same id', second: user({ username: 'someone-else' }), field: 'id' },
  ];
  for (const { name, second, field } of conflicts) {
    test(`refuses a user with ${name}, naming the ${field}`, async (t) => {
      const { users } = await openMigratedStores(ctx, t);
      await users.create(user());
      await assert.rejects(users.create(second), (error: unknown) => {
        assert.ok(error instanceof StoreConflictError);
        assert.equal(error.entity, 'user');
        assert.equal(error.field, field);
        return true;
      });
      assert.equal((await users.list()).length, 1);
    });
  }

  test('lists every user ordered by username', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    assert.deepEqual(await users.list(), []);
    await users.create(user({ id: 'u-1', username: 'carol' }));
    await users.create(user({ id: 'u-2', username: 'Alice' }));
    await users.create(user({ id: 'u-3', username: 'bob' }));
    assert.deepEqual(
      (await users.list()).map((u) => u.username),
      ['alice', 'bob', 'carol'],
    );
  });

  test('disables and re-enables a user, stamping updatedAt, and says whether the user exists', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user());
    assert.equal(await users.setDisabled('u-7f3a9c', true, NOW + 10), true);
    assert.deepEqual(await users.getById('u-7f3a9c'), user({ disabled: true, updatedAt: NOW + 10 }));
    assert.equal(await users.setDisabled('u-7f3a9c', false, NOW + 20), true);
    assert.equal((await users.getById('u-7f3a9c'))?.disabled, false);
    assert.equal(await users.setDisabled('u-unknown', true, NOW), false);
  });

  test('sets a password hash with passwordChangedAt, and says whether the user exists', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user({ passwordHash: null, passwordChangedAt: null }));
    assert.equal(await users.setPasswordHash('u-7f3a9c', '$argon2id$new', NOW + 5), true);
    assert.deepEqual(
      await users.getById('u-7f3a9c'),
      user({ passwordHash: '$argon2id$new', passwordChangedAt: NOW + 5, updatedAt: NOW + 5 }),
    );
    assert.equal(await users.setPasswordHash('u-unknown', '$argon2id$new', NOW), false);
  });

  test('updates email and profile of a live user, and says whether the user exists', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user());
    const changed = user({
      email: 'new@example.com',
      emailVerified: false,
      profile: { given_name: 'Alice' },
      updatedAt: NOW + 10,
    });
    assert.equal(await users.updateProfile(changed), true);
    assert.deepEqual(await users.getById(user().id), changed);
    assert.equal(await users.updateProfile(user({ id: 'u-unknown' })), false);
  });

  test('erasing a user leaves a disabled tombstone with only the id, gone from list and username lookup', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user());
    assert.equal(await users.erase(user().id, NOW + 20), true);
    assert.equal(await users.erase(user().id, NOW + 30), false, 'a second erasure finds no live user');
    const tombstone = await users.getById(user().id);
    assert.ok(tombstone);
    assert.equal(tombstone.disabled, true);
    assert.equal(tombstone.email, null);
    assert.equal(tombstone.passwordHash, null);
    assert.deepEqual(tombstone.profile, {});
    assert.ok(!tombstone.username.includes('alice'), 'the username is gone');
    assert.equal(await users.getByUsername('alice'), undefined);
    assert.deepEqual(await users.list(), []);
    assert.equal(await users.updateProfile({ ...tombstone, email: 'back@example.com' }), false);
    // The username is free again; the id is not.
    await users.create(user({ id: 'u-new' }));
    await assert.rejects(users.create(user({ username: 'someone' })), StoreConflictError);
  });

  test('listByEmail finds the users of an address whatever its case, and no one else', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user({ email: 'Alice@Example.com' }));
    await users.create(user({ id: 'u-bob', username: 'bob', email: 'bob@example.com' }));
    assert.deepEqual(
      (await users.listByEmail('alice@EXAMPLE.com')).map((u) => u.id),
      [user().id],
    );
    assert.deepEqual(await users.listByEmail('nobody@example.com'), []);
  });

  test("markEmailVerified verifies the address only while it is still the user's", async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user({ emailVerified: false, email: 'alice@example.com' }));
    assert.equal(await users.markEmailVerified(user().id, 'old@example.com', NOW + 1), false);
    assert.equal((await users.getById(user().id))?.emailVerified, false);
    assert.equal(await users.markEmailVerified(user().id, 'ALICE@example.com', NOW + 2), true);
    const verified = await users.getById(user().id);
    assert.equal(verified?.emailVerified, true);
    assert.equal(verified?.updatedAt, NOW + 2);
  });

  test('of many concurrent erasures of one user, exactly one reports it erased', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user());
    const results = await Promise.all(Array.from({ length: 10 }, () => users.erase(user().id, NOW + 1)));
    assert.equal(results.filter(Boolean).length, 1);
  });
});
