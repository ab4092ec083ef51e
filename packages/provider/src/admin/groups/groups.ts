import {
  type AuditStore,
  type GroupRecord,
  type GroupStore,
  StoreConflictError,
  type UserStore,
} from '../../store/types.js';
import { conflict, invalidInput, notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser } from '../users/read.js';

/** Members of this group administer Latchkey (the admin API and console of issue 15 require it). */
export const ADMIN_GROUP = 'latchkey-admins';

type GroupStores = { readonly groups: GroupStore; readonly audit: AuditStore };
type MemberStores = GroupStores & { readonly users: Pick<UserStore, 'getByUsername' | 'getById'> };

/**
 * Group names are what relying parties and the gateway's `group:NAME` policies compare, exactly: so
 * they are lower-case only (no "Admins" beside "admins"), and from the gateway's policy name alphabet.
 */
export function checkGroupName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._:-]{0,63}$/.test(name)) {
    throw invalidInput(
      'group',
      `${JSON.stringify(name)} is not a group name: 1 to 64 lower-case letters, digits or . _ : - (starting with a letter or digit)`,
    );
  }
}

export async function createGroup(
  stores: GroupStores,
  name: string,
  options: AdminOptions = {},
): Promise<GroupRecord> {
  checkGroupName(name);
  const group = { name, createdAt: nowOf(options) };
  try {
    await stores.groups.create(group);
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw conflict('group', `${JSON.stringify(name)} already exists`);
    throw error;
  }
  await recordAdminEvent(stores, options, {
    type: 'admin.group.created',
    at: group.createdAt,
    details: { group: name },
  });
  return group;
}

export async function deleteGroup(
  stores: GroupStores,
  name: string,
  options: AdminOptions = {},
): Promise<void> {
  checkGroupName(name);
  if (!(await stores.groups.delete(name))) throw notFound('group', `No group named ${JSON.stringify(name)}`);
  await recordAdminEvent(stores, options, {
    type: 'admin.group.deleted',
    at: nowOf(options),
    details: { group: name },
  });
}

export function listGroups(stores: { readonly groups: Pick<GroupStore, 'list'> }) {
  return stores.groups.list();
}

/** The usernames of a group's members, in alphabetical order (erased users are gone from every group). */
export async function groupMembers(
  stores: { readonly groups: Pick<GroupStore, 'get' | 'memberUsernames'> },
  name: string,
): Promise<string[]> {
  const [, byGroup] = await Promise.all([requireGroup(stores, name), stores.groups.memberUsernames(name)]);
  return (byGroup.get(name) ?? []).sort();
}

/** Every group ordered by name with its members' usernames in alphabetical order: two statements in all. */
export async function listGroupsWithMembers(stores: {
  readonly groups: Pick<GroupStore, 'list' | 'memberUsernames'>;
}): Promise<{ readonly name: string; readonly members: string[] }[]> {
  const [groups, byGroup] = await Promise.all([stores.groups.list(), stores.groups.memberUsernames()]);
  return groups.map((g) => ({ name: g.name, members: (byGroup.get(g.name) ?? []).sort() }));
}

/** The names of the groups a user is in, ordered by name. */
export function groupsOfUser(
  stores: { readonly groups: Pick<GroupStore, 'groupsOf'> },
  user: { readonly id: string },
): Promise<string[]> {
  return stores.groups.groupsOf(user.id);
}

/** Adds a user to a group (audited `admin.group.member_added`); adding a member again changes nothing. */
export async function addGroupMember(
  stores: MemberStores,
  name: string,
  username: string,
  options: AdminOptions = {},
): Promise<{ added: boolean }> {
  await requireGroup(stores, name);
  const user = await requireUser(stores, username);
  const at = nowOf(options);
  const added = await stores.groups.addMember(name, user.id, at);
  if (added) {
    await recordAdminEvent(stores, options, {
      type: 'admin.group.member_added',
      at,
      userId: user.id,
      details: { group: name },
    });
  }
  return { added };
}

export async function removeGroupMember(
  stores: MemberStores,
  name: string,
  username: string,
  options: AdminOptions = {},
): Promise<void> {
  await requireGroup(stores, name);
  const user = await requireUser(stores, username);
  if (!(await stores.groups.removeMember(name, user.id))) {
    throw notFound('username', `${JSON.stringify(username)} is not a member of ${name}`);
  }
  await recordAdminEvent(stores, options, {
    type: 'admin.group.member_removed',
    at: nowOf(options),
    userId: user.id,
    details: { group: name },
  });
}

/** The group, made first if it does not exist yet (the admin group on first `--admin` user). */
export async function ensureGroup(
  stores: GroupStores,
  name: string,
  options: AdminOptions = {},
): Promise<void> {
  if ((await stores.groups.get(name)) !== undefined) return;
  try {
    await createGroup(stores, name, options);
  } catch (error) {
    // Another process made it meanwhile: it exists, which is all we asked.
    if (!(error instanceof Error && 'code' in error && error.code === 'ERR_CONFLICT')) throw error;
  }
}

async function requireGroup(stores: { readonly groups: Pick<GroupStore, 'get'> }, name: string) {
  checkGroupName(name);
  const group = await stores.groups.get(name);
  if (!group) throw notFound('group', `No group named ${JSON.stringify(name)}`);
  return group;
}
