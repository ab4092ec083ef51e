import { type JwsAlgorithm, LocalKeySet, parseJsonObject, verifyJws } from '@latchkey/oidc';
import { InvalidRequest } from '../../errors/index.js';
import type { SerializedDocument } from '../../keys/published-key-set.js';
import type { RequestParams } from '../../lib/request-params.js';

export type IdTokenHintVerifier = (token: string) => Promise<string | undefined>;

/**
 * Verifies an id_token_hint against the provider's own published keys and returns its `sub`, or
 * undefined when it is not an ID token this provider signed. An expired one is fine (OIDC Core
 * §3.1.2.1: the hint may have expired). Access and logout tokens are refused by their `typ` (J21).
 * The key set is rebuilt only when the JWKS changes (by its ETag).
 */
export function createIdTokenHintVerifier(deps: {
  readonly issuer: string;
  readonly jwks: () => SerializedDocument;
  readonly algorithms: readonly JwsAlgorithm[];
}): IdTokenHintVerifier {
  let cached: { etag: string; keys: LocalKeySet } | undefined;
  const keys = () => {
    const current = deps.jwks();
    if (cached?.etag !== current.etag) {
      cached = { etag: current.etag, keys: LocalKeySet.fromJwks(JSON.parse(current.body)) };
    }
    return cached.keys;
  };
  return async (token) => {
    try {
      const { header, payload } = await verifyJws(token, keys(), { algorithms: deps.algorithms });
      if (header.typ !== undefined && header.typ.toUpperCase() !== 'JWT') return undefined;
      const claims = parseJsonObject(payload, 'ERR_JWT_INVALID', 'the claims set');
      if (claims['iss'] !== deps.issuer || typeof claims['sub'] !== 'string') return undefined;
      return claims['sub'];
    } catch {
      return undefined;
    }
  };
}

/** OIDC Core §3.1.2.1: the hint names the user the client expects; one we did not sign is an error. */
export async function checkIdTokenHint(
  params: RequestParams,
  verify: IdTokenHintVerifier,
): Promise<string | undefined> {
  const token = params.get('id_token_hint');
  if (token === undefined) return undefined;
  const sub = await verify(token);
  if (sub === undefined)
    throw new InvalidRequest('The id_token_hint is not an ID token issued by this provider');
  return sub;
}
