import type { JwtClaims } from '../jwt/claims.js';
import { OidcClientError } from './errors.js';

/** The back-channel logout event member of `events` (OIDC Back-Channel Logout §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface LogoutTokenClaims extends JwtClaims {
  readonly iss: string;
  readonly iat: number;
  readonly jti: string;
  readonly events: Record<string, unknown>;
}

/**
 * The logout-token rules after signature, `typ: logout+jwt`, iss, aud and iat were verified
 * (OIDC Back-Channel Logout §2.6 steps 3–7; J21):
 * - `events` is an object whose back-channel logout member is a JSON object;
 * - `sub` or `sid` is present (a string);
 * - `nonce` is absent (so an ID token can never pass as a logout token);
 * - `jti` is present.
 */
export function checkLogoutTokenClaims(claims: JwtClaims): LogoutTokenClaims {
  const fail = (why: string) =>
    new OidcClientError('ERR_CLIENT_LOGOUT_TOKEN_INVALID', `the logout token ${why}`);
  const events = claims['events'];
  if (typeof events !== 'object' || events === null || Array.isArray(events))
    throw fail('has no events object');
  const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw fail('has no back-channel logout event');
  }
  const hasSub = typeof claims.sub === 'string' && claims.sub !== '';
  const hasSid = typeof claims.sid === 'string' && claims.sid !== '';
  if (!hasSub && !hasSid) throw fail('names neither sub nor sid');
  if ((claims.sub !== undefined && !hasSub) || (claims.sid !== undefined && !hasSid))
    throw fail('has a malformed sub or sid');
  if (Object.hasOwn(claims, 'nonce')) throw fail('must not contain a nonce');
  if (typeof claims.jti !== 'string' || claims.jti === '') throw fail('has no jti');
  return claims as LogoutTokenClaims;
}
