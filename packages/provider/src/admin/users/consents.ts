import type { AuditStore, ConsentRecord, ConsentStore, GrantStore, UserStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser } from './read.js';

/** The consents a user gave, most recent first. */
export async function listUserConsents(
  stores: {
    readonly users: Pick<UserStore, 'getByUsername'>;
    readonly consents: Pick<ConsentStore, 'listByUser'>;
  },
  username: string,
): Promise<ConsentRecord[]> {
  const user = await requireUser(stores, username);
  return stores.consents.listByUser(user.id);
}

/**
 * Revokes a user's consent to one client and the grants made under it, so the client's refresh tokens
 * stop working (R3) and it must ask again (audited `admin.consent.revoked` with how many grants went).
 */
export async function revokeUserConsent(
  stores: {
    readonly users: Pick<UserStore, 'getByUsername'>;
    readonly consents: Pick<ConsentStore, 'revoke'>;
    readonly grants: Pick<GrantStore, 'revokeByUserAndClient'>;
    readonly audit: AuditStore;
  },
  username: string,
  clientId: string,
  options: AdminOptions = {},
): Promise<{ grantsRevoked: number }> {
  const user = await requireUser(stores, username);
  const at = nowOf(options);
  if (typeof clientId !== 'string' || clientId === '') {
    throw notFound('clientId', `${JSON.stringify(username)} has given no consent to an empty client id`);
  }
  const hadConsent = await stores.consents.revoke(user.id, clientId);
  const grantsRevoked = await stores.grants.revokeByUserAndClient(user.id, clientId, at);
  if (!hadConsent && grantsRevoked === 0) {
    throw notFound(
      'clientId',
      `${JSON.stringify(username)} has given no consent to ${JSON.stringify(clientId)}`,
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
