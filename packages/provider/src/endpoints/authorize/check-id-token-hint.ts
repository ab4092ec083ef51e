import { type JwsAlgorithm, LocalKeySet, parseJsonObject, verifyJws } from '@latchkey/oidc';
import { InvalidRequest } from '../../errors/index.js';
import type { SerializedDocument } from '../../keys/published-key-set.js';
import type { RequestParams } from '../../lib/request-params.js';

export type IdTokenHintVerifier = (token: string) => Promise<string | undefined>;

/** What an id_token_hint this provider signed says: who, for which clients, in which session. */
export interface IdTokenHintClaims {
  readonly sub: string;
  /** The `aud` claim as a list (OIDC Core §2: a string or an array). */
  readonly aud: readonly string[];
  readonly azp: string | undefined;
  readonly sid: string | undefined;
}

export type IdTokenHintReader = (token: string) => Promise<IdTokenHintClaims | undefined>;

/**
 * Verifies an id_token_hint against the provider's own published keys and returns its claims, or
 * undefined when it is not an ID token this provider signed. An expired one is fine (OIDC Core
 * §3.1.2.1, RP-Initiated Logout §2: the hint may have expired). Access and logout tokens are refused
 * by their `typ` (J21). The key set is rebuilt only when the JWKS changes (by its ETag).
 */
export function createIdTokenHintReader(deps: {
  readonly issuer: string;
  readonly jwks: () => SerializedDocument;
  readonly algorithms: readonly JwsAlgorithm[];
}): IdTokenHintReader {
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
      const { iss, sub, aud, azp, sid } = claims;
      if (iss !== deps.issuer || typeof sub !== 'string') return undefined;
      const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
      if (audience === undefined || !audience.every((a): a is string => typeof a === 'string'))
        return undefined;
      return {
        sub,
        aud: audience,
        azp: typeof azp === 'string' ? azp : undefined,
        sid: typeof sid === 'string' ? sid : undefined,
      };
    } catch {
      return undefined;
    }
  };
}

/** The `sub` of a hint this provider signed (what /authorize needs), or undefined. */
export function createIdTokenHintVerifier(
  deps: Parameters<typeof createIdTokenHintReader>[0],
): IdTokenHintVerifier {
  const read = createIdTokenHintReader(deps);
  return async (token) => (await read(token))?.sub;
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
