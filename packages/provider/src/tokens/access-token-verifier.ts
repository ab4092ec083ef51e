import { createJwtVerifier, type JwsAlgorithm, type JwtClaims, LocalKeySet } from '@latchkey/oidc';
import type { SerializedDocument } from '../keys/published-key-set.js';
import type { Clock } from '../lib/clock.js';
import { ACCESS_TOKEN_TYP, GRANT_ID_CLAIM } from './access-token.js';

export interface AccessTokenVerifierDeps {
  readonly issuer: string;
  /** The audience the token must name (UserInfo's: see audience.ts); undefined accepts any (introspection). */
  readonly audience: string | undefined;
  /** Whether `grant_id` is required (default true); a client's own token has none (client_credentials). */
  readonly requireGrant?: boolean;
  /** Our published key set (KeyManager.jwks): next, current and retired public keys. */
  readonly jwks: () => SerializedDocument;
  readonly algorithms: readonly JwsAlgorithm[];
  readonly now: Clock;
}

export type AccessTokenVerifier = (token: string) => Promise<JwtClaims>;

/**
 * Access tokens remembered once verified. A client presents the same token to UserInfo (and a
 * resource server to introspection) many times in its 10-minute life; a hit skips the signature
 * (about 45 µs for ES256) but never the clock checks, and the grant and user are read on every call,
 * so a revocation is seen at once. Bounded: at most this many tokens (a few MB).
 */
const VERIFIED_TOKENS_CACHED = 2048;

/**
 * Verifies access tokens we issued, with our own public keys (the same set the JWKS publishes, so a
 * token signed by a just-retired key still verifies). The key set is rebuilt only when the JWKS
 * changes (its ETag). Rejects with @latchkey/oidc's JoseError: wrong `typ` (an ID token, J21), wrong
 * audience, issuer, signature, expiry.
 */
export function createAccessTokenVerifier(deps: AccessTokenVerifierDeps): AccessTokenVerifier {
  const verifier = createJwtVerifier({
    issuer: deps.issuer,
    ...(deps.audience === undefined ? {} : { audience: deps.audience }),
    // RFC 9068 §4: the resource server MUST check typ is at+jwt (RFC 8725 §3.11; checklist J21).
    typ: ACCESS_TOKEN_TYP,
    algorithms: deps.algorithms,
    requiredClaims: [
      'sub',
      'iat',
      'jti',
      'client_id',
      ...(deps.requireGrant === false ? [] : [GRANT_ID_CLAIM]),
    ],
    now: () => deps.now() * 1000,
    // A new key set (the JWKS changed) is another source: its first use of a token verifies afresh.
    cache: { maxEntries: VERIFIED_TOKENS_CACHED },
  });
  const keySet = ourKeySet(deps);
  return async (token) => (await verifier.verify(token, keySet())).claims;
}

/**
 * Our published keys as a key set, rebuilt only when the JWKS changes (its ETag). Shared by every
 * verifier of tokens we issued (access tokens here, ID tokens as token-exchange subjects).
 */
export function ourKeySet(deps: Pick<AccessTokenVerifierDeps, 'jwks' | 'algorithms'>): () => LocalKeySet {
  let cached: { etag: string; keys: LocalKeySet } | undefined;
  return () => {
    const document = deps.jwks();
    if (cached?.etag !== document.etag) {
      cached = {
        etag: document.etag,
        keys: LocalKeySet.fromJwks(JSON.parse(document.body), { algorithms: deps.algorithms }),
      };
    }
    return cached.keys;
  };
}
