import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addGroupMember,
  createGroup,
  createUser,
  deleteGroup,
  groupMembers,
  listGroups,
  removeGroupMember,
} from '@latchkey/provider';
import { sqliteStores } from '../helpers/fixtures.js';

const options = { actor: { type: 'console', id: 'u-admin' } } as const;

const badNames = ['', 'Admins', 'ops team', '-ops', 'ops/eu', 'x'.repeat(65), 'группа'];
for (const name of badNames) {
  test(`refuses the group name ${JSON.stringify(name)}, naming the group field`, async () => {
    const stores = await sqliteStores();
    await assert.rejects(createGroup(stores, name, options), { code: 'ERR_INVALID_INPUT', field: 'group' });
    assert.deepEqual(await listGroups(stores), []);
  });
}

test('members are added by username, once, removed once, and every change is audited with the actor', async () => {
  const stores = await sqliteStores();
  const alice = await createUser(stores, { username: 'alice' });
  await createGroup(stores, 'ops', options);
  assert.deepEqual(await addGroupMember(stores, 'ops', 'ALICE', options), { added: true });
  assert.deepEqual(await addGroupMember(stores, 'ops', 'alice', options), { added: false });
  assert.deepEqual(await groupMembers(stores, 'ops'), ['alice']);
  assert.deepEqual(await listGroups(stores), [
    { name: 'ops', createdAt: (await stores.groups.get('ops'))!.createdAt, memberCount: 1 },
  ]);
  await removeGroupMember(stores, 'ops', 'alice', options);
  await assert.rejects(removeGroupMember(stores, 'ops', 'alice', options), { code: 'ERR_NOT_FOUND' });
  const events = await stores.audit.list({ limit: 10 });
  assert.deepEqual(events.map((e) => e.type).slice(0, 3), [
    'admin.group.member_removed',
    'admin.group.member_added',
    'admin.group.created',
  ]);
  assert.equal(events[0]?.userId, alice.id);
  assert.deepEqual(events[0]?.details, { actor: options.actor, group: 'ops' });
});

test('unknown groups and users are ERR_NOT_FOUND; a taken name is ERR_CONFLICT; delete removes the group', async () => {
  const stores = await sqliteStores();
  await createUser(stores, { username: 'alice' });
  await createGroup(stores, 'ops', options);
  await assert.rejects(createGroup(stores, 'ops', options), { code: 'ERR_CONFLICT' });
  await assert.rejects(addGroupMember(stores, 'nope', 'alice', options), {
    code: 'ERR_NOT_FOUND',
    field: 'group',
  });
  await assert.rejects(addGroupMember(stores, 'ops', 'nobody', options), {
    code: 'ERR_NOT_FOUND',
    field: 'username',
  });
  await addGroupMember(stores, 'ops', 'alice', options);
  await deleteGroup(stores, 'ops', options);
  assert.deepEqual(await listGroups(stores), []);
  await assert.rejects(deleteGroup(stores, 'ops', options), { code: 'ERR_NOT_FOUND' });
});
