import type { JwtClaims } from '@latchkey/oidc';
import { InvalidClient } from '../errors/index.js';

/**
 * The claim checks of a client assertion (RFC 7523 §3), after its signature and `exp`/`nbf`/`iat`
 * were verified by @latchkey/oidc. Each throws `invalid_client` (RFC 7521 §4.2.1) with the same
 * description and the reason in `debug` (logged, never sent).
 */

/** The longest an assertion may live from now (its `exp` bound, checklist C3); it only proves one request. */
export const MAX_ASSERTION_LIFETIME = 600;
/** A `jti` is a random identifier; longer than this is not one (rule 9). */
export const MAX_JTI_LENGTH = 256;

function rejected(reason: string): InstanceType<typeof InvalidClient> {
  return new InvalidClient('Client authentication failed', `private_key_jwt: ${reason}`);
}

/** RFC 7523 §3 items 1–2 (C3): `iss` and `sub` are both the client id. */
export function checkAssertionSubject(claims: JwtClaims, clientId: string): void {
  if (claims.iss !== clientId) throw rejected('iss is not the client id');
  if (claims.sub !== clientId) throw rejected('sub is not the client id');
}

/**
 * RFC 7523 §3 item 3 (C4): the audience identifies this authorization server — its issuer identifier
 * or its token endpoint URL. Every `aud` value must be one of them: an assertion that also names
 * another party could be replayed there, or was made for it.
 */
export function checkAssertionAudience(claims: JwtClaims, accepted: readonly string[]): void {
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  if (audiences.length === 0 || audiences.some((aud) => !accepted.includes(aud))) {
    throw rejected('aud names another party');
  }
}

/**
 * RFC 7523 §3 item 4 (C3): `exp` is required (checked by the verifier) and bounded, so a leaked
 * assertion cannot be kept for later and the replay cache holds each `jti` for a bounded time.
 */
export function checkAssertionLifetime(claims: JwtClaims, now: number): number {
  const exp = claims.exp;
  if (typeof exp !== 'number') throw rejected('exp missing');
  if (exp > now + MAX_ASSERTION_LIFETIME) throw rejected('exp too far in the future');
  return exp;
}

/** RFC 7523 §3 item 7 (C3): a `jti` is required, so the assertion can be used once. */
export function checkAssertionJti(claims: JwtClaims): string {
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw rejected('jti missing or malformed');
  }
  return jti;
}
