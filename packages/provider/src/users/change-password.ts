import type { UserRecord, UserStore } from '../store/types.js';
import { hashPassword } from './password.js';
import { checkNewPassword, type PasswordPolicy } from './password-policy.js';

/**
 * A person setting their own password (the account page, a reset link): the same policy as every
 * other face (NIST SP 800-63B rev. 4), checked before anything is written. The caller audits it.
 */
export async function changeOwnPassword(
  stores: { readonly users: UserStore },
  user: Pick<UserRecord, 'id' | 'username'>,
  password: string,
  options: { readonly policy: PasswordPolicy; readonly now: () => number },
): Promise<void> {
  checkNewPassword(password, options.policy, { username: user.username });
  await stores.users.setPasswordHash(user.id, await hashPassword(password), options.now());
}
