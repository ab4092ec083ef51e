import { ALGORITHMS, ASYMMETRIC_ALGORITHMS, type JwsAlgorithm } from './jose/algorithms.js';
import type { JwtClaims } from './jwt/claims.js';
import { JwtVerifier, type JwtVerifierOptions } from './jwt/verify.js';
import { checkIssuerUrl, fetchDiscovery } from './keys/discovery.js';
import { RemoteKeySet, type RemoteKeySetOptions } from './keys/remote.js';
import { checkAlgorithmsOption } from './lib/algorithms-option.js';

export interface CreateVerifierOptions
  extends Omit<JwtVerifierOptions, 'issuer' | 'audience' | 'algorithms'>,
    Omit<RemoteKeySetOptions, 'algorithms' | 'now'> {
  /** The issuer identifier, exactly as the provider's tokens and discovery document state it. */
  issuer: string;
  /** Accepted audiences (this API's identifier, or the client_id for ID tokens). */
  audience: string | readonly string[];
  /** Default: every asymmetric algorithm. HMAC is refused: keys come from a published JWKS. */
  algorithms?: readonly JwsAlgorithm[];
  /** The JWKS URL comes only from the issuer's discovery document (checklist K6). */
  jwksUri?: never;
}

export interface Verifier<C extends JwtClaims = JwtClaims> {
  /** Verifies a token from this issuer and resolves to its claims; rejects with a JoseError. */
  verify(token: string): Promise<C>;
  /** The issuer's key set (its URL found through discovery on first use). */
  readonly keySet: RemoteKeySet;
}

/**
 * A verifier for one issuer: options are checked now (TypeError), the discovery document is
 * fetched on first use (and again after a failure, at most once per cooldown), its `issuer` must
 * equal `issuer` exactly, and its `jwks_uri` feeds a RemoteKeySet.
 */
export function createVerifier<C extends JwtClaims = JwtClaims>(options: CreateVerifierOptions): Verifier<C> {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { issuer, audience } = options;
  checkIssuerUrl(issuer);
  if (audience === undefined) throw new TypeError('audience is required');
  if (Object.hasOwn(options, 'jwksUri')) {
    throw new TypeError('jwksUri is not an option: the JWKS URL comes from the issuer discovery document');
  }
  const algorithms =
    options.algorithms === undefined ? ASYMMETRIC_ALGORITHMS : checkAlgorithmsOption(options.algorithms);
  if (algorithms.some((alg) => !ALGORITHMS[alg].asymmetric)) {
    throw new TypeError('algorithms must be asymmetric: HMAC cannot be verified with a published key set');
  }
  const jwt = new JwtVerifier<C>({ ...options, algorithms });
  const discoveryOptions = {
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
  };
  const keySet = new RemoteKeySet(async () => (await fetchDiscovery(issuer, discoveryOptions)).jwks_uri, {
    ...options,
    algorithms,
  });
  return {
    keySet,
    verify: (token) => jwt.verify(token, keySet).then(claimsOf),
  };
}

function claimsOf<C extends JwtClaims>(verified: { readonly claims: C }): C {
  return verified.claims;
}
