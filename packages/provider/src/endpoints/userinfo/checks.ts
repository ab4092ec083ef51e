import { isJoseError, type JwtClaims } from '@latchkey/oidc';
import { boundJkt, type ProofRequest, type SenderConstraint } from '../../dpop/sender-constraint.js';
import { InsufficientScope, InvalidRequest, InvalidToken } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord, GrantRecord, UserRecord } from '../../store/types.js';
import { GRANT_ID_CLAIM, USERINFO_CLAIMS_CLAIM } from '../../tokens/index.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token. The scheme is case-insensitive (RFC 9110 §11.1).
const BEARER_SCHEME = /^bearer(?:[ \t]|$)/i;
const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
// RFC 9449 §7.1: the same token68-like credentials under the DPoP scheme.
const DPOP_SCHEME = /^dpop(?:[ \t]|$)/i;
const DPOP_CREDENTIALS = /^dpop +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Where the access token came from; undefined token means none was sent (RFC 6750 §3.1: no error code then). */
export interface PresentedToken {
  readonly token: string | undefined;
  /** `dpop` when sent as `Authorization: DPoP` (RFC 9449 §7.1): a proof must come with it. */
  readonly scheme?: 'bearer' | 'dpop';
}

/**
 * RFC 6750 §2: the access token comes in the `Authorization: Bearer` header (§2.1) or, for a form
 * POST, the `access_token` body parameter (§2.2; OpenID Basic plan `oidcc-userinfo-post-body`) — never
 * both (§2: "MUST NOT use more than one method"), never in the query string (§2.3, RFC 9700 §2: URLs
 * end up in logs). An Authorization header with another scheme is not a bearer token and is ignored.
 */
export function extractAccessToken(
  authorization: string | undefined,
  form: RequestParams | undefined,
  query: RequestParams,
): PresentedToken {
  if (query.names().includes('access_token')) {
    throw new InvalidRequest('Send the access token in the Authorization header, not in the URL');
  }
  const fromBody = form?.get('access_token');
  if (authorization !== undefined && DPOP_SCHEME.test(authorization)) {
    const token = DPOP_CREDENTIALS.exec(authorization)?.[1];
    if (token === undefined || fromBody !== undefined) {
      throw new InvalidRequest('The Authorization header is not valid DPoP credentials');
    }
    return { token, scheme: 'dpop' };
  }
  const bearer = authorization !== undefined && BEARER_SCHEME.test(authorization);
  if (bearer && fromBody !== undefined) {
    throw new InvalidRequest('The access token must be sent by one method only');
  }
  if (bearer) {
    const token = BEARER_CREDENTIALS.exec(authorization)?.[1];
    if (token === undefined)
      throw new InvalidRequest('The Authorization header is not valid Bearer credentials');
    return { token };
  }
  return { token: fromBody };
}

/**
 * The token verifies as one of our access tokens (signature, `typ` at+jwt so an ID token is refused
 * (J21), issuer, UserInfo audience, expiry). The reason is logged, never the token.
 */
export async function checkAccessToken(
  token: string,
  verify: (token: string) => Promise<JwtClaims>,
): Promise<JwtClaims> {
  try {
    return await verify(token);
  } catch (error) {
    if (isJoseError(error)) throw new InvalidToken('The access token is invalid', error.code);
    throw error;
  }
}

/** OIDC Core §5.3: UserInfo serves tokens issued for OpenID Connect, i.e. with the `openid` scope. */
export function checkOpenidScope(claims: JwtClaims): readonly string[] {
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter((s) => s !== '') : [];
  if (!scopes.includes('openid')) {
    throw new InsufficientScope('The access token was not issued with the openid scope');
  }
  return scopes;
}

/** The token's grant is still live: a code replay (A1) or a logout revokes it, and with it the token. */
export function checkGrantNotRevoked(grant: GrantRecord | undefined, claims: JwtClaims): GrantRecord {
  if (grant === undefined || grant.revokedAt !== null || grant.clientId !== claims.client_id) {
    throw new InvalidToken('The access token has been revoked', 'grant revoked or missing');
  }
  return grant;
}

/** The grant named in the token (see tokens/access-token.ts). */
export function grantIdOf(claims: JwtClaims): string {
  const id = claims[GRANT_ID_CLAIM];
  if (typeof id !== 'string') throw new InvalidToken('The access token is invalid', 'no grant reference');
  return id;
}

/** The user the token is about still exists and is not disabled. */
export function checkUserActive(user: UserRecord | undefined): UserRecord {
  if (user === undefined || user.disabled) {
    throw new InvalidToken('The access token is invalid', 'user missing or disabled');
  }
  return user;
}

/**
 * The client the token was issued to still exists and is enabled (the clients an endpoint sees:
 * clients/endpoint-view.ts). A client disabled or deleted by an operator loses UserInfo at once for
 * the tokens it already holds, as it loses the token endpoint.
 */
export function checkClientActive(client: ClientRecord | undefined): ClientRecord {
  if (client === undefined) {
    throw new InvalidToken('The access token is invalid', 'client missing or disabled');
  }
  return client;
}

/**
 * RFC 9449 §7: a token bound to a DPoP key (`cnf.jkt`) passes only under the DPoP scheme with a proof
 * by that key for this request and this token; a token that is not bound cannot use the DPoP scheme.
 */
export async function checkSenderConstraint(
  claims: JwtClaims,
  presented: { readonly token: string; readonly scheme?: 'bearer' | 'dpop' },
  proof: ProofRequest,
  dpop: Pick<SenderConstraint, 'checkResourceRequest'>,
): Promise<void> {
  const jkt = boundJkt(claims);
  if (presented.scheme === 'dpop') {
    if (jkt === undefined)
      throw new InvalidToken('The access token is not DPoP-bound', 'DPoP scheme, no cnf');
    await dpop.checkResourceRequest(proof, presented.token, jkt);
  } else if (jkt !== undefined) {
    throw new InvalidToken('A DPoP-bound access token must be sent with the DPoP scheme and a proof');
  }
}

/** The claims the client asked for one by one (the `claims` parameter's userinfo member), as minted. */
export function requestedUserinfoClaims(claims: JwtClaims): string[] {
  const names = claims[USERINFO_CLAIMS_CLAIM];
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}
