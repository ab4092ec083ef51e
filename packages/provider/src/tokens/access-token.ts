import { type JoseKey, signJwt } from '@latchkey/oidc';

/** RFC 9068 §2.1: the `typ` of a JWT access token; UserInfo and every API require it (J21). */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * The private claim naming the grant an access token was issued under. UserInfo looks the grant up and
 * refuses the token once it is revoked (code replay, RFC 6749 §4.1.2 and checklist A1; logout). An
 * API verifying offline may ignore it: such an API accepts the token until `exp` (10 minutes by default).
 */
export const GRANT_ID_CLAIM = 'grant_id';

/**
 * The private claim listing the claims asked for one by one through the `claims` request parameter's
 * `userinfo` member (OIDC Core §5.5), already limited to what the client may receive. UserInfo is
 * stateless apart from the grant lookup, so the request travels in the token.
 */
export const USERINFO_CLAIMS_CLAIM = 'userinfo_claims';

export interface AccessTokenInput {
  readonly issuer: string;
  readonly subject: string;
  /** RFC 9068 §3: the resource(s) the token is for. */
  readonly audience: readonly string[];
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly jti: string;
  readonly issuedAt: number;
  /** Seconds. */
  readonly lifetime: number;
  readonly authTime: number | null;
  readonly acr: string | null;
  readonly amr: readonly string[];
  /** null for a client's own token (client_credentials): no grant, nothing for UserInfo to look up. */
  readonly grantId: string | null;
  readonly userinfoClaims: readonly string[];
  /** The `groups` claim, when the `groups` scope was granted (undefined: no claim). */
  readonly groups: readonly string[] | undefined;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to. */
  readonly dpopJkt?: string | undefined;
  /** RFC 8693 §4.1: who acts for the subject (nested for a chain of delegations). */
  readonly act?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The claims of a JWT access token, RFC 9068 §2.2 (and §2.2.1 for auth_time, acr, amr), in this order.
 * Built by assignment: made on every token request, and a conditional spread per optional claim would
 * make and copy a throwaway object for each.
 */
export function accessTokenClaims(input: AccessTokenInput): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience.length === 1 ? input.audience[0] : [...input.audience],
    exp: input.issuedAt + input.lifetime,
    iat: input.issuedAt,
    jti: input.jti,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
  };
  if (input.authTime !== null) claims['auth_time'] = input.authTime;
  if (input.acr !== null) claims['acr'] = input.acr;
  if (input.amr.length > 0) claims['amr'] = [...input.amr];
  if (input.grantId !== null) claims[GRANT_ID_CLAIM] = input.grantId;
  if (input.userinfoClaims.length > 0) claims[USERINFO_CLAIMS_CLAIM] = [...input.userinfoClaims];
  if (input.groups !== undefined) claims['groups'] = [...input.groups];
  if (input.dpopJkt !== undefined) claims['cnf'] = { jkt: input.dpopJkt };
  if (input.act !== undefined) claims['act'] = input.act;
  return claims;
}

export function signAccessToken(claims: Record<string, unknown>, key: JoseKey): string {
  return signJwt(claims, key, { typ: ACCESS_TOKEN_TYP });
}
