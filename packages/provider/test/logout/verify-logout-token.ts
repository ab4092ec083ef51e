import assert from 'node:assert/strict';
import { BACKCHANNEL_LOGOUT_EVENT, type JwtClaims, JwtVerifier, LocalKeySet } from '@latchkey/oidc';

/**
 * Verifies a logout token as a relying party must (Back-Channel Logout §2.6): signature against the
 * provider's JWKS, `typ: logout+jwt` (J21), iss, aud, iat, exp, jti, the event, and no nonce.
 */
export async function verifyLogoutToken(
  token: string,
  expected: { issuer: string; audience: string; jwks: string; now: number },
): Promise<JwtClaims> {
  const verifier = new JwtVerifier({
    issuer: expected.issuer,
    audience: expected.audience,
    typ: 'logout+jwt',
    requiredClaims: ['iat', 'exp', 'jti'],
    now: () => expected.now * 1000,
  });
  const { claims, header } = await verifier.verify(token, LocalKeySet.fromJwks(JSON.parse(expected.jwks)));
  assert.equal(header.typ, 'logout+jwt');
  assert.deepEqual(claims['events'], { [BACKCHANNEL_LOGOUT_EVENT]: {} });
  assert.equal(Object.hasOwn(claims, 'nonce'), false);
  return claims;
}
