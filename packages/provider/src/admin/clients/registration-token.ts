import {
  type IssuedInitialAccessToken,
  issueInitialAccessToken,
} from '../../clients/initial-access-token.js';
import type { AuditStore, InitialAccessTokenStore } from '../../store/types.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';

/**
 * Makes an initial access token for one dynamic registration (RFC 7591 §3, `registration.mode:
 * token`), audited with the actor; the token itself is never recorded, only that one was made.
 */
export async function createRegistrationToken(
  stores: { readonly initialAccessTokens: InitialAccessTokenStore; readonly audit: AuditStore },
  input: { readonly lifetime?: number },
  options: AdminOptions = {},
): Promise<IssuedInitialAccessToken> {
  const issued = await issueInitialAccessToken(stores, {
    ...(input.lifetime === undefined ? {} : { lifetime: input.lifetime }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  await recordAdminEvent(stores, options, {
    type: 'admin.registration_token.created',
    at: nowOf(options),
    details: { expiresAt: issued.expiresAt },
  });
  return issued;
}
