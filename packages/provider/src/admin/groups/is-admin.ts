import type { UserRecord, UserStore } from '../../store/types.js';
import { ADMIN_GROUP } from './groups.js';

/**
 * The user with this `sub` when they may administer the provider: they exist, are not disabled, and
 * are in `latchkey-admins` now (read on every request, so removing someone from the group takes effect
 * at once, without waiting for a token or session to end).
 */
export async function adminUserById(
  stores: { readonly users: Pick<UserStore, 'getByIdInGroup'> },
  sub: string,
): Promise<{ readonly user: UserRecord | undefined; readonly admin: boolean }> {
  // One statement for both: every console page asks.
  const found = await stores.users.getByIdInGroup(sub, ADMIN_GROUP);
  if (found === undefined || found.user.disabled) return { user: undefined, admin: false };
  return { user: found.user, admin: found.member };
}
