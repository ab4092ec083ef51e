import type { AuditStore, UserStore } from '../../store/types.js';
import { hashPassword } from '../../users/password.js';
import { checkNewPassword, DEFAULT_PASSWORD_POLICY } from '../../users/password-policy.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser } from './read.js';

/** Sets a user's password under the password policy (audited `admin.user.password_set`, without it). */
export async function setUserPassword(
  stores: { readonly users: UserStore; readonly audit: AuditStore },
  username: string,
  password: string,
  options: AdminOptions = {},
): Promise<void> {
  const user = await requireUser(stores, username);
  checkNewPassword(password, options.passwordPolicy ?? DEFAULT_PASSWORD_POLICY, { username: user.username });
  const at = nowOf(options);
  await stores.users.setPasswordHash(user.id, await hashPassword(password), at);
  await recordAdminEvent(stores, options, { type: 'admin.user.password_set', at, userId: user.id });
}
