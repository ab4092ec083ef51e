import type { UserRecord, UserStore } from '../store/types.js';
import { verifyPassword } from './password.js';

/**
 * The user a username and password identify, or undefined. Unknown users, disabled users and users
 * without a password cost the same argon2id verification as a wrong password (S2).
 */
export async function verifyUserPassword(
  stores: { readonly users: UserStore },
  username: string,
  password: string,
): Promise<UserRecord | undefined> {
  const user =
    typeof username === 'string'
      ? await stores.users.getByUsername(username.trim().toLowerCase())
      : undefined;
  const matches = await verifyPassword(user?.passwordHash, typeof password === 'string' ? password : '');
  return matches && user !== undefined && !user.disabled ? user : undefined;
}
