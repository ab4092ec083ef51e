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

/**
 * A user as the admin functions take one: a username, or the record a caller has already read with
 * requireUser (a console page showing several things about one user reads the user once, not once each).
 */
export type UserRef = string | UserRecord;

/** The live user with this username (any case), or ERR_NOT_FOUND naming it; a record is returned as it is. */
export async function requireUser(
  stores: { readonly users: Pick<UserStore, 'getByUsername'> },
  username: UserRef,
): Promise<UserRecord> {
  if (typeof username !== 'string') return username;
  const user = await stores.users.getByUsername(normalizeUsername(username));
  if (!user) throw notFound('username', `No user named ${JSON.stringify(username)}`);
  return user;
}
