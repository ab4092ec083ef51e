import type { JwsHeader } from '../jose/types.js';
import type { JwtClaims } from '../jwt/claims.js';
import { equalSecrets } from './callback.js';
import { tokenHash } from './claim-hash.js';
import { OidcClientError } from './errors.js';

export interface IdTokenBindings {
  /** The nonce this login sent; undefined on refresh (OIDC Core §12.2: no nonce then). */
  readonly nonce?: string | undefined;
  /** The access token issued with the ID token: `at_hash`, when present, must match it. */
  readonly accessToken?: string | undefined;
  /** The code exchanged: `c_hash`, when present, must match it. */
  readonly code?: string | undefined;
}

/**
 * The checks of an ID token that tie it to this login, after its signature and claims were verified
 * (JWT rules, iss, aud, azp, exp, iat by the JwtVerifier):
 * - `nonce` equals the login's (OIDC Core §3.1.3.7 rule 11; J23): missing or different is refused;
 * - `at_hash` and `c_hash`, when present, equal the left-half hash of the access token and code with
 *   the hash of the token's `alg` (OIDC Core §3.1.3.6, §3.3.2.11; J22). In the code flow both are
 *   optional (§3.1.3.8), so their absence is accepted; a present one of the wrong type or value is not.
 */
export function checkIdTokenBindings(header: JwsHeader, claims: JwtClaims, bindings: IdTokenBindings): void {
  if (bindings.nonce !== undefined) {
    if (typeof claims.nonce !== 'string' || !equalSecrets(claims.nonce, bindings.nonce)) {
      throw new OidcClientError('ERR_CLIENT_NONCE_MISMATCH');
    }
  }
  checkHash(claims['at_hash'], bindings.accessToken, header, 'at_hash');
  checkHash(claims['c_hash'], bindings.code, header, 'c_hash');
}

function checkHash(claim: unknown, value: string | undefined, header: JwsHeader, name: string): void {
  if (claim === undefined) return;
  if (
    typeof claim !== 'string' ||
    value === undefined ||
    !equalSecrets(claim, tokenHash(value, header.alg))
  ) {
    throw new OidcClientError('ERR_CLIENT_HASH_MISMATCH', `the ID token ${name} does not match`);
  }
}
