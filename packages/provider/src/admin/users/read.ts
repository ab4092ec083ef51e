import type { UserRecord, UserStore } from '../../store/types.js';
import { normalizeUsername } from '../../users/username.js';
import { notFound } from '../errors.js';

export function listUsers(stores: { readonly users: Pick<UserStore, 'list'> }): Promise<UserRecord[]> {
  return stores.users.list();
}

/** How many live users there are and how many are disabled, counted by the store (the overview). */
export function countUsers(stores: {
  readonly users: Pick<UserStore, 'count'>;
}): Promise<{ readonly users: number; readonly disabled: number }> {
  return stores.users.count();
}

/** The live user with this username (any case), or ERR_NOT_FOUND naming it. */
export async function requireUser(
  stores: { readonly users: Pick<UserStore, 'getByUsername'> },
  username: string,
): Promise<UserRecord> {
  const user = await stores.users.getByUsername(normalizeUsername(username));
  if (!user) throw notFound('username', `No user named ${JSON.stringify(username)}`);
  return user;
}
