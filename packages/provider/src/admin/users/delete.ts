import type { ProviderStores } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser } from './read.js';

/**
 * Deletes a user, erasing their personal data: username, email, profile and password hash are gone
 * (the row stays as a tombstone holding only the random `sub`, so it is never given to anyone else,
 * OIDC Core §2), their group memberships, consents and second factors are deleted, their sessions end and their grants
 * are revoked (refresh tokens stop working; access tokens are refused by UserInfo). Audit events keep
 * that `sub`, a pseudonymous id that no longer leads to a person (audited `admin.user.deleted`).
 */
export async function deleteUser(
  stores: Pick<ProviderStores, 'users' | 'groups' | 'sessions' | 'grants' | 'consents' | 'audit' | 'factors'>,
  username: string,
  options: AdminOptions = {},
): Promise<{ sub: string }> {
  const user = await requireUser(stores, username);
  const at = nowOf(options);
  if (!(await stores.users.erase(user.id, at))) {
    throw notFound('username', `No user named ${JSON.stringify(username)}`);
  }
  await stores.groups.removeUserEverywhere(user.id);
  await stores.consents.revokeAllForUser(user.id);
  // The row stays (a tombstone), so its factors would too: a sealed seed is personal data.
  await stores.factors.deleteAll(user.id);
  await stores.sessions.endAllForUser(user.id, at);
  await stores.grants.revokeByUser(user.id, at);
  await recordAdminEvent(stores, options, { type: 'admin.user.deleted', at, userId: user.id });
  return { sub: user.id };
}
