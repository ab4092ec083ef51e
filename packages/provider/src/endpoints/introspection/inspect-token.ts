import type { JwtClaims } from '@latchkey/oidc';
import type { GrantRecord, GrantStore, RefreshTokenRecord } from '../../store/types.js';
import type { AccessTokenVerifier } from '../../tokens/index.js';
import { GRANT_ID_CLAIM } from '../../tokens/index.js';
import type { RefreshTokens } from '../../tokens/refresh-token.js';

/** RFC 7009 §2.1 / RFC 7662 §2.1 `token_type_hint` values this provider issues tokens of. */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** One of our tokens, as found; whether it is still usable is for the caller to judge. */
export type InspectedToken =
  | {
      readonly type: 'access_token';
      readonly clientId: string;
      readonly claims: JwtClaims;
      /** undefined for a client's own token (client_credentials): it has no grant. */
      readonly grant: GrantRecord | undefined;
    }
  | {
      readonly type: 'refresh_token';
      readonly clientId: string;
      readonly record: RefreshTokenRecord;
      readonly grant: GrantRecord | undefined;
    };

export interface TokenInspectorDeps {
  /** Our access tokens, any audience: signature, `typ` at+jwt (J21), `iss`, `exp`. */
  readonly verifyAccessToken: AccessTokenVerifier;
  readonly refreshTokens: Pick<RefreshTokens, 'findWithGrant'>;
  readonly grants: Pick<GrantStore, 'get'>;
}

export type TokenInspector = (token: string, hint: string | undefined) => Promise<InspectedToken | undefined>;

// A compact JWS has three base64url segments; our refresh tokens are 32 bytes of base64url (43 chars).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Finds what a presented token is, for introspection and revocation. The hint only orders the
 * lookups (RFC 7009 §2.1, RFC 7662 §2.1: the server may search every type); each kind is recognised
 * only by its own rules, never by the hint, so an ID token or a logout token (signed by us, but not
 * `at+jwt`) is never taken for an access token (checklist J21). Anything else is undefined.
 */
export function createTokenInspector(deps: TokenInspectorDeps): TokenInspector {
  const grantOf = (id: unknown) =>
    typeof id === 'string' ? deps.grants.get(id) : Promise.resolve(undefined);

  const asAccessToken = async (token: string): Promise<InspectedToken | undefined> => {
    if (!COMPACT_JWS.test(token)) return undefined;
    let claims: JwtClaims;
    try {
      claims = await deps.verifyAccessToken(token);
    } catch {
      return undefined;
    }
    const clientId = claims['client_id'];
    if (typeof clientId !== 'string') return undefined;
    return { type: 'access_token', clientId, claims, grant: await grantOf(claims[GRANT_ID_CLAIM]) };
  };

  const asRefreshToken = async (token: string): Promise<InspectedToken | undefined> => {
    if (!REFRESH_TOKEN_SHAPE.test(token)) return undefined;
    // The token and its grant in one query (issue 21: a revocation of a refresh token read them in two).
    const found = await deps.refreshTokens.findWithGrant(token);
    if (found === undefined) return undefined;
    const { token: record, grant } = found;
    return { type: 'refresh_token', clientId: record.clientId, record, grant };
  };

  return async (token, hint) => {
    const order =
      hint === 'refresh_token' ? [asRefreshToken, asAccessToken] : [asAccessToken, asRefreshToken];
    for (const inspect of order) {
      const found = await inspect(token);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}
