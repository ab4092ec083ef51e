import type { ClientRecord } from '../../store/types.js';
import { GRANT_ID_CLAIM } from '../../tokens/index.js';
import { isRefreshTokenExpired, refreshTokenExpiresAt } from '../../tokens/refresh-token.js';
import type { InspectedToken } from './inspect-token.js';

/**
 * RFC 7662 §4: the server decides who may learn about a token. Here a client learns only about tokens
 * issued to itself; for any other token the answer is `{"active": false}`, as for a forged one, so
 * introspection cannot be used to scan for other clients' tokens. APIs verify our JWT access tokens
 * offline with the JWKS and do not need introspection.
 */
export function checkIssuedToCaller(token: InspectedToken, caller: ClientRecord): boolean {
  return token.clientId === caller.clientId;
}

/**
 * Whether the token is still usable. The access token's signature, `typ`, `iss` and `exp` were checked
 * when it was found; its grant must still be live (code replay, logout, refresh-token reuse and
 * revocation revoke it). A refresh token must be the current one of its family, within its idle and
 * absolute lifetimes, and its grant live.
 */
export function checkTokenActive(token: InspectedToken, now: number): boolean {
  const grantLive = token.grant !== undefined && token.grant.revokedAt === null;
  if (token.type === 'access_token') {
    // A client's own token (client_credentials) has no grant: it lives until `exp`.
    return token.claims[GRANT_ID_CLAIM] === undefined ? true : grantLive;
  }
  return token.record.rotatedAt === null && !isRefreshTokenExpired(token.record, now) && grantLive;
}

/** The access token's claims an introspection answer repeats (RFC 7662 §2.2), in this order. */
const COPIED_ACCESS_TOKEN_CLAIMS = [
  'scope',
  'client_id',
  'sub',
  'exp',
  'iat',
  'nbf',
  'aud',
  'iss',
  'jti',
  'auth_time',
  'acr',
  // RFC 9449 §6.2: the confirmation a resource server checks the DPoP proof against.
  'cnf',
] as const;

/** The RFC 7662 §2.2 response members of an active token. */
export function activeTokenResponse(token: InspectedToken, issuer: string): Record<string, unknown> {
  if (token.type === 'access_token') {
    const { claims } = token;
    const body: Record<string, unknown> = { active: true };
    for (const name of COPIED_ACCESS_TOKEN_CLAIMS) if (claims[name] !== undefined) body[name] = claims[name];
    // RFC 7662 §2.2: token_type as in RFC 6749 §5.1; RFC 9449 §6.2: DPoP for a bound token.
    body['token_type'] = claims['cnf'] === undefined ? 'Bearer' : 'DPoP';
    return body;
  }
  const { record } = token;
  return {
    active: true,
    scope: record.scopes.join(' '),
    client_id: record.clientId,
    ...(record.userId === null ? {} : { sub: record.userId }),
    exp: refreshTokenExpiresAt(record),
    iat: record.createdAt,
    iss: issuer,
    // Not an RFC 6749 §5.1 access token type: the RFC 7009 hint name says what kind of token it is.
    token_type: 'refresh_token',
  };
}
