import type { AuditStore, ConsentRecord, ConsentStore, GrantStore, UserStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser, type UserRef } from '../users/read.js';

type ConsentAdminStores = {
  readonly users: Pick<UserStore, 'getByUsername'>;
  readonly consents: Pick<ConsentStore, 'listByUser' | 'revoke'>;
  readonly grants: Pick<GrantStore, 'revokeByUserAndClient'>;
  readonly audit: AuditStore;
};

/** What the user has agreed each client may have, most recent first. */
export async function listUserConsents(
  stores: Pick<ConsentAdminStores, 'users' | 'consents'>,
  username: UserRef,
): Promise<ConsentRecord[]> {
  const user = await requireUser(stores, username);
  return stores.consents.listByUser(user.id);
}

/**
 * Disconnects a client from a user, as the account page does: the consent goes (the next sign-in asks
 * again) and the grants are revoked, so its refresh tokens and UserInfo fail at once (checklist R3).
 * Audited `admin.consent.revoked`; ERR_NOT_FOUND when there was neither consent nor live grant.
 */
export async function revokeUserConsent(
  stores: ConsentAdminStores,
  username: string,
  clientId: string,
  options: AdminOptions = {},
): Promise<{ grantsRevoked: number }> {
  const user = await requireUser(stores, username);
  const at = nowOf(options);
  const hadConsent = await stores.consents.revoke(user.id, clientId);
  const grantsRevoked = await stores.grants.revokeByUserAndClient(user.id, clientId, at);
  if (!hadConsent && grantsRevoked === 0) {
    throw notFound(
      'clientId',
      `${JSON.stringify(username)} has not connected client ${JSON.stringify(clientId)}`,
    );
  }
  await recordAdminEvent(stores, options, {
    type: 'admin.consent.revoked',
    at,
    userId: user.id,
    clientId,
    details: { grantsRevoked },
  });
  return { grantsRevoked };
}
