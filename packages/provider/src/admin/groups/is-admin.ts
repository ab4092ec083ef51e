import type { GroupStore, UserRecord, UserStore } from '../../store/types.js';
import { ADMIN_GROUP } from './groups.js';

/**
 * The user with this `sub` when they may administer the provider: they exist, are not disabled, and
 * are in `latchkey-admins` now (read on every request, so removing someone from the group takes effect
 * at once, without waiting for a token or session to end).
 */
export async function adminUserById(
  stores: { readonly users: Pick<UserStore, 'getById'>; readonly groups: Pick<GroupStore, 'groupsOf'> },
  sub: string,
): Promise<{ readonly user: UserRecord | undefined; readonly admin: boolean }> {
  // Both at once: one round trip to the store rather than two on every console page (a user who
  // does not exist simply has no groups).
  const [user, groups] = await Promise.all([stores.users.getById(sub), stores.groups.groupsOf(sub)]);
  if (user === undefined || user.disabled) return { user: undefined, admin: false };
  return { user, admin: groups.includes(ADMIN_GROUP) };
}
