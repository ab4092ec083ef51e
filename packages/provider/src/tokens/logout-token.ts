import { BACKCHANNEL_LOGOUT_EVENT, type JoseKey, signJwt } from '@latchkey/oidc';

/** OIDC Back-Channel Logout §2.4 and RFC 8725 §3.11: the explicit type that keeps it apart from ID tokens (J21). */
export const LOGOUT_TOKEN_TYP = 'logout+jwt';

/**
 * Seconds a logout token is valid. Back-Channel Logout §4 encourages "at most two minutes in the
 * future", so a captured token cannot be replayed for long; it is sent the moment it is made.
 */
export const LOGOUT_TOKEN_LIFETIME = 120;

export interface LogoutTokenInput {
  readonly issuer: string;
  /** The relying party told about the logout: the token's only audience. */
  readonly clientId: string;
  readonly subject: string;
  /** The provider session that ended (the `sid` of the ID tokens issued in it). */
  readonly sid: string;
  readonly jti: string;
  readonly issuedAt: number;
}

/**
 * The claims of a logout token, Back-Channel Logout §2.4: iss, aud, iat, exp, jti, the back-channel
 * logout event, and both `sub` and `sid` (the RP ends that one session, or all of the user's if it keeps
 * no sid). Never a `nonce`: its absence makes a logout token unusable as an ID token.
 */
export function logoutTokenClaims(input: LogoutTokenInput): Record<string, unknown> {
  return {
    iss: input.issuer,
    sub: input.subject,
    aud: input.clientId,
    iat: input.issuedAt,
    exp: input.issuedAt + LOGOUT_TOKEN_LIFETIME,
    jti: input.jti,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sid: input.sid,
  };
}

/** Back-Channel Logout §2.4: signed with the keys and algorithm of the client's ID tokens. */
export function signLogoutToken(claims: Record<string, unknown>, key: JoseKey): string {
  return signJwt(claims, key, { typ: LOGOUT_TOKEN_TYP });
}
