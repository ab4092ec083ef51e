import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { StoreConflictError } from '../../src/store/types.js';
import { NOW, openMigratedStores, user } from './fixtures.js';

describeEachDialect('group store', (ctx) => {
  test('returns a created group, lists groups by name with their member counts', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    await groups.create({ name: 'ops', createdAt: NOW });
    await groups.create({ name: 'admins', createdAt: NOW + 1 });
    await groups.addMember('ops', 'u-1', NOW);
    await groups.addMember('ops', 'u-2', NOW);
    assert.deepEqual(await groups.get('admins'), { name: 'admins', createdAt: NOW + 1 });
    assert.equal(await groups.get('nobody'), undefined);
    assert.deepEqual(await groups.list(), [
      { name: 'admins', createdAt: NOW + 1, memberCount: 0 },
      { name: 'ops', createdAt: NOW, memberCount: 2 },
    ]);
  });

  test('refuses a second group with the same name, naming the field', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    await groups.create({ name: 'ops', createdAt: NOW });
    await assert.rejects(groups.create({ name: 'ops', createdAt: NOW }), (error: unknown) => {
      assert.ok(error instanceof StoreConflictError);
      assert.equal(error.field, 'name');
      return true;
    });
  });

  test('adds a member once, removes it once, and lists members in the order they were added', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    await groups.create({ name: 'ops', createdAt: NOW });
    assert.equal(await groups.addMember('ops', 'u-2', NOW), true);
    assert.equal(await groups.addMember('ops', 'u-1', NOW + 1), true);
    assert.equal(await groups.addMember('ops', 'u-2', NOW + 2), false);
    assert.deepEqual(await groups.members('ops'), ['u-2', 'u-1']);
    assert.equal(await groups.removeMember('ops', 'u-2'), true);
    assert.equal(await groups.removeMember('ops', 'u-2'), false);
    assert.deepEqual(await groups.members('ops'), ['u-1']);
  });

  test('tells the groups of a user by name, and forgets a user everywhere', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    for (const name of ['ops', 'admins', 'dev']) await groups.create({ name, createdAt: NOW });
    await groups.addMember('ops', 'u-1', NOW);
    await groups.addMember('admins', 'u-1', NOW);
    await groups.addMember('dev', 'u-2', NOW);
    assert.deepEqual(await groups.groupsOf('u-1'), ['admins', 'ops']);
    assert.deepEqual(await groups.groupsOf('u-none'), []);
    assert.equal(await groups.removeUserEverywhere('u-1'), 2);
    assert.deepEqual(await groups.groupsOf('u-1'), []);
    assert.deepEqual(await groups.groupsOf('u-2'), ['dev']);
  });

  test("gives the members' usernames of one group or of every group, leaving out ids no user has", async (t) => {
    const { groups, users } = await openMigratedStores(ctx, t);
    await users.create(user({ id: 'u-1', username: 'bob' }));
    await users.create(user({ id: 'u-2', username: 'alice' }));
    for (const name of ['ops', 'admins', 'empty']) await groups.create({ name, createdAt: NOW });
    await groups.addMember('ops', 'u-1', NOW);
    await groups.addMember('ops', 'u-2', NOW);
    await groups.addMember('ops', 'u-gone', NOW);
    await groups.addMember('admins', 'u-2', NOW);
    const sorted = (map: Map<string, string[]>) =>
      Object.fromEntries([...map].map(([name, usernames]) => [name, usernames.sort()]));
    assert.deepEqual(sorted(await groups.memberUsernames()), { ops: ['alice', 'bob'], admins: ['alice'] });
    assert.deepEqual(sorted(await groups.memberUsernames('ops')), { ops: ['alice', 'bob'] });
    assert.deepEqual(sorted(await groups.memberUsernames('empty')), {});
  });

  test('deleting a group deletes its memberships, and says whether it existed', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    await groups.create({ name: 'ops', createdAt: NOW });
    await groups.addMember('ops', 'u-1', NOW);
    assert.equal(await groups.delete('ops'), true);
    assert.equal(await groups.delete('ops'), false);
    assert.deepEqual(await groups.groupsOf('u-1'), []);
    // A new group of the same name starts empty.
    await groups.create({ name: 'ops', createdAt: NOW });
    assert.deepEqual(await groups.members('ops'), []);
  });

  test('of many concurrent additions of one member, exactly one reports it added', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    await groups.create({ name: 'ops', createdAt: NOW });
    const results = await Promise.all(Array.from({ length: 20 }, () => groups.addMember('ops', 'u-1', NOW)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual(await groups.members('ops'), ['u-1']);
  });

  test('of many concurrent creations of one group, exactly one succeeds and the others conflict', async (t) => {
    const { groups } = await openMigratedStores(ctx, t);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => groups.create({ name: 'ops', createdAt: NOW })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.ok(r.reason instanceof StoreConflictError, String(r.reason));
    }
  });
});
