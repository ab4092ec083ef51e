import { parseClaimsRequest } from '../claims/index.js';
import { InvalidDpopProof, InvalidGrant, InvalidScope } from '../errors/index.js';
import { narrowGranted } from '../lib/narrow.js';
import type {
  AuditEvent,
  ClientRecord,
  GrantRecord,
  RefreshTokenRecord,
  SessionRecord,
  UserRecord,
} from '../store/types.js';
import { checkGrantedResources } from '../tokens/audience.js';
import { isRefreshTokenExpired } from '../tokens/refresh-token.js';
import { checkGrantLive, checkUserActive } from './authorization-code.js';
import type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';
import { REFRESH_TOKEN_GRANT_TYPE, signInTokenResponse } from './sign-in-response.js';

/** One description for every dead token, so the answer does not tell an attacker which check failed. */
const DEAD_TOKEN = 'The refresh token is invalid, expired or revoked';

export function checkRefreshTokenFound(token: RefreshTokenRecord | undefined): RefreshTokenRecord {
  if (token === undefined) throw new InvalidGrant(DEAD_TOKEN, 'unknown refresh token');
  return token;
}

/** RFC 6749 §6 / checklist R2: a refresh token is bound to the client it was issued to. */
export function checkRefreshTokenClient(token: RefreshTokenRecord, client: ClientRecord): void {
  if (token.clientId !== client.clientId) {
    throw new InvalidGrant(DEAD_TOKEN, 'refresh token of another client');
  }
}

/**
 * RFC 9449 §5: a refresh token bound to a DPoP key (a public client's) is usable only with a proof by
 * that key, so a stolen copy is worthless. Checked before rotation: a failed attempt spends nothing.
 */
export function checkRefreshTokenBinding(token: RefreshTokenRecord, dpopJkt: string | undefined): void {
  const bound = token.dpopJkt ?? null;
  if (bound !== null && bound !== dpopJkt) {
    throw new InvalidDpopProof(
      dpopJkt === undefined
        ? 'The refresh token is DPoP-bound: send a DPoP proof by its key'
        : 'The DPoP proof is not by the key the refresh token is bound to',
    );
  }
}

/** R3: idle and absolute lifetimes. */
export function checkRefreshTokenNotExpired(token: RefreshTokenRecord, now: number): void {
  if (isRefreshTokenExpired(token, now)) throw new InvalidGrant(DEAD_TOKEN, 'expired');
}

/**
 * RFC 6749 §6 / R2: the requested scope "MUST NOT include any scope not originally granted"; omitted,
 * it is the original scope. A narrower scope applies to the new access token only.
 */
export function checkRefreshScope(requested: readonly string[], granted: readonly string[]): string[] {
  return narrowGranted(requested, granted, (wider) => {
    return new InvalidScope(`The scope may not be wider than originally granted (${wider.join(' ')})`);
  });
}

/**
 * R3 (RFC 9700 §4.14.2): a password change ends every family started before it — whoever changed it
 * (admin API, CLI), without relying on the changer to revoke grants.
 */
export function checkPasswordUnchanged(user: UserRecord, grant: GrantRecord): void {
  if (user.passwordChangedAt !== null && user.passwordChangedAt > grant.createdAt) {
    throw new InvalidGrant(DEAD_TOKEN, 'password changed since the grant');
  }
}

/**
 * The sign-in the grant came from, for `auth_time`, `acr` and `amr` (OIDC Core §12.2: "its value MUST
 * represent the time of the original authentication"). Ended sessions count: logout is enforced by the
 * grant's revocation, and offline access outlives the browser session.
 */
export function checkSignInKnown(session: SessionRecord | undefined, grant: GrantRecord): SessionRecord {
  if (session === undefined || session.userId !== grant.userId) {
    throw new InvalidGrant(DEAD_TOKEN, 'the sign-in of the grant is unknown');
  }
  return session;
}

/**
 * R1 (RFC 9700 §4.14.2): a refresh token that was already rotated is presented again — a stolen copy or
 * the losing half of a race. The whole family (the grant) is revoked, so the party holding the
 * newest token is stopped too, and the event is audited without the token.
 */
async function rejectReuse(
  token: RefreshTokenRecord,
  client: ClientRecord,
  services: GrantServices,
  at: number,
): Promise<never> {
  const revoked = await services.stores.grants.revoke(token.grantId, at);
  await services.stores.audit.append({
    type: 'refresh.reuse_detected',
    at,
    userId: token.userId,
    clientId: client.clientId,
    details: { grantRevoked: revoked },
  });
  throw new InvalidGrant(DEAD_TOKEN, 'reused refresh token; grant revoked');
}

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every check passes on the stored record, then the
 * token is exchanged for its successor atomically, and only the winner of that exchange gets tokens.
 */
async function refresh(
  { client, params, dpopJkt }: GrantRequest,
  services: GrantServices,
): Promise<TokenResponseBody> {
  const { stores, now } = services;
  const presented = params.require('refresh_token');
  const requestedScopes = params.list('scope');
  const at = now();

  const found = await services.refreshTokens.findWithGrant(presented);
  const token = checkRefreshTokenFound(found?.token);
  checkRefreshTokenClient(token, client);
  checkRefreshTokenBinding(token, dpopJkt);
  if (token.rotatedAt !== null) await rejectReuse(token, client, services, at);
  checkRefreshTokenNotExpired(token, at);
  const scopes = checkRefreshScope(requestedScopes, token.scopes);
  const grant = checkGrantLive(found?.grant);
  if (grant.userId === null) throw new InvalidGrant(DEAD_TOKEN, 'grant without a user');
  const resources = checkGrantedResources(params.all('resource'), grant.resources);
  const user = checkUserActive(await stores.users.getById(grant.userId));
  checkPasswordUnchanged(user, grant);
  const session = checkSignInKnown(
    grant.sid === null ? undefined : await stores.sessions.getBySid(grant.sid),
    grant,
  );

  // The rotation runs once the tokens are signed, with their audit event in its commit; only the winner
  // of the conditional UPDATE gets the tokens (a loser's are dropped unsent).
  const rotate = async (event: AuditEvent): Promise<string> => {
    const rotation = await services.refreshTokens.rotate(token, at, event);
    if (rotation.status === 'reused') await rejectReuse(token, client, services, at);
    if (rotation.status !== 'rotated') throw new InvalidGrant(DEAD_TOKEN, 'refresh token vanished');
    return rotation.refreshToken;
  };

  return signInTokenResponse(
    services,
    { type: refreshTokenGrant.type, at, rotate },
    {
      client,
      user,
      grantId: grant.id,
      scopes,
      resources,
      // OIDC Core §12.2: a refreshed ID token "SHOULD NOT have a nonce Claim Value".
      nonce: null,
      authTime: session.authTime,
      acr: session.acr,
      amr: session.amr,
      sid: grant.sid,
      claimsRequest: parseClaimsRequest(null),
    },
  );
}

/** RFC 6749 §6. */
export const refreshTokenGrant = {
  type: REFRESH_TOKEN_GRANT_TYPE,
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: true,
  implemented: true,
  handle: refresh,
} as const satisfies GrantDefinition;
