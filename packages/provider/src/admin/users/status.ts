import type { AuditStore, SessionStore, UserRecord, UserStore } from '../../store/types.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser } from './read.js';

type Stores = {
  readonly users: UserStore;
  readonly audit: AuditStore;
  readonly sessions?: Pick<SessionStore, 'endAllForUser'>;
};

/**
 * Disables a user: no sign-in, no token, no UserInfo answer (each checks `disabled`), and the user's
 * provider sessions end at once when the sessions store is given. Audited when the state changed.
 */
export function disableUser(stores: Stores, username: string, options: AdminOptions = {}) {
  return setDisabled(stores, username, true, options);
}

export function enableUser(stores: Stores, username: string, options: AdminOptions = {}) {
  return setDisabled(stores, username, false, options);
}

async function setDisabled(
  stores: Stores,
  username: string,
  disabled: boolean,
  options: AdminOptions,
): Promise<{ user: UserRecord; changed: boolean }> {
  const current = await requireUser(stores, username);
  if (current.disabled === disabled) return { user: current, changed: false };
  const at = nowOf(options);
  await stores.users.setDisabled(current.id, disabled, at);
  if (disabled) await stores.sessions?.endAllForUser(current.id, at);
  await recordAdminEvent(stores, options, {
    type: disabled ? 'admin.user.disabled' : 'admin.user.enabled',
    at,
    userId: current.id,
  });
  return { user: { ...current, disabled, updatedAt: at }, changed: true };
}
