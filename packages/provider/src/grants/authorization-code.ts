import { createHash, timingSafeEqual } from 'node:crypto';
import { parseClaimsRequest } from '../claims/index.js';
import { InvalidGrant } from '../errors/index.js';
import type {
  AuthorizationCodeRecord,
  ClientRecord,
  ConsumeCodeResult,
  GrantRecord,
  UserRecord,
} from '../store/types.js';
import { checkGrantedResources } from '../tokens/audience.js';
import { hashOpaqueToken } from '../tokens/index.js';
import type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';
import { signInTokenResponse } from './sign-in-response.js';

// RFC 7636 §4.1: code-verifier = 43*128unreserved; unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.1 (checklist A5): a verifier, when sent, has the right length and alphabet. */
export function checkCodeVerifierFormat(verifier: string | undefined): void {
  if (verifier !== undefined && !CODE_VERIFIER.test(verifier)) {
    throw new InvalidGrant('The code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  }
}

/** RFC 6749 §4.1.2: the code exists and was not redeemed before (the replay case is handled by the caller). */
export function checkCodeFound(result: ConsumeCodeResult): AuthorizationCodeRecord {
  if (result.status !== 'consumed') {
    throw new InvalidGrant('The authorization code is invalid, expired or already used', result.status);
  }
  return result.code;
}

/** RFC 6749 §4.1.2 / checklist A2: a code lives at most 60 seconds; at or after expiresAt it is dead. */
export function checkCodeNotExpired(code: AuthorizationCodeRecord, now: number): void {
  if (now >= code.expiresAt) {
    throw new InvalidGrant('The authorization code is invalid, expired or already used', 'expired');
  }
}

/** RFC 6749 §4.1.3 / A2: "ensure that the authorization code was issued to the authenticated confidential client". */
export function checkCodeClient(code: AuthorizationCodeRecord, client: ClientRecord): void {
  if (code.clientId !== client.clientId) {
    throw new InvalidGrant('The authorization code was issued to another client', 'client mismatch');
  }
}

/**
 * RFC 6749 §4.1.3 / A2: the redirect_uri must be identical to the one of the authorization request.
 * OpenID Connect requests always carry one (OIDC Core §3.1.2.1), so it is always required here.
 */
export function checkCodeRedirectUri(code: AuthorizationCodeRecord, redirectUri: string | undefined): void {
  if (redirectUri !== code.redirectUri) {
    throw new InvalidGrant('The redirect_uri does not match the authorization request');
  }
}

/**
 * PKCE (RFC 7636 §4.6), S256 only:
 * - a challenge in the code and no verifier → refuse (A5);
 * - a verifier with no challenge in the code → refuse, or PKCE could be stripped from the front
 *   channel and the code injected (RFC 9700 §4.8.2, A6);
 * - a public client's code must have a challenge (RFC 9700 §2.1.1; the authorization endpoint
 *   enforces it, this is the second guard);
 * - BASE64URL(SHA256(verifier)) equals the challenge, compared in constant time.
 */
export function checkPkce(
  challenge: string | null,
  verifier: string | undefined,
  client: Pick<ClientRecord, 'type'>,
): void {
  if (challenge === null) {
    if (verifier !== undefined) {
      throw new InvalidGrant('A code_verifier was sent but the authorization request had no code_challenge');
    }
    if (client.type === 'public') throw new InvalidGrant('PKCE is required for public clients');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('The code_verifier is required');
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  if (computed.length !== expected.length || !timingSafeEqual(computed, expected)) {
    throw new InvalidGrant('The code_verifier does not match the code_challenge');
  }
}

/**
 * RFC 9449 §10: a code issued for a request with `dpop_jkt` is redeemed only with a proof by that key,
 * so a code stolen from the front channel is useless without the client's private key.
 */
export function checkCodeDpopBinding(
  code: Pick<AuthorizationCodeRecord, 'dpopJkt'>,
  jkt: string | undefined,
): void {
  if (code.dpopJkt === null || code.dpopJkt === undefined) return;
  if (jkt === undefined)
    throw new InvalidGrant('This code is bound to a DPoP key: send a DPoP proof by that key');
  if (jkt !== code.dpopJkt) throw new InvalidGrant('The DPoP proof is not by the key this code is bound to');
}

/** The grant the code was issued under is still live (a logout or a replay may have revoked it). */
export function checkGrantLive<G extends Pick<GrantRecord, 'revokedAt'>>(grant: G | undefined): G {
  if (grant === undefined || grant.revokedAt !== null) {
    throw new InvalidGrant('The authorization grant has been revoked', 'grant revoked or missing');
  }
  return grant;
}

/** The user still exists and may sign in. */
export function checkUserActive(user: UserRecord | undefined): UserRecord {
  if (user === undefined || user.disabled) {
    throw new InvalidGrant('The authorization grant is no longer valid', 'user missing or disabled');
  }
  return user;
}

/**
 * RFC 6749 §4.1.3 + RFC 7636 §4.6 + OIDC Core §3.1.3: exchange a code for tokens. The code is consumed
 * first, atomically (DESIGN rule 7): of two concurrent redemptions exactly one goes on. A code
 * redeemed before is a replay: the grant is revoked, so the tokens of the first redemption stop
 * working at UserInfo (RFC 6749 §4.1.2, §10.5; checklist A1).
 */
async function redeemAuthorizationCode(
  { client, params, dpopJkt }: GrantRequest,
  services: GrantServices,
): Promise<TokenResponseBody> {
  const { stores, now } = services;
  const presented = params.require('code');
  const redirectUri = params.get('redirect_uri');
  const verifier = params.get('code_verifier');
  checkCodeVerifierFormat(verifier);
  const requestedResources = params.all('resource');

  const at = now();
  const codeHash = hashOpaqueToken(presented);
  // The grant is checked BEFORE the atomic consume (a logout revokes it): a concurrent replay of this
  // same code, which loses the consume and revokes the grant (A1), must not void the one redemption
  // that won — its tokens are then dead at UserInfo, introspection and refresh, as RFC 6749 §4.1.2 asks.
  // The code and its grant in one read (issue 21).
  const pending = await stores.authorizationCodes.getWithGrant(codeHash);
  if (pending !== undefined && pending.code.consumedAt === null) {
    checkGrantLive(pending.grant);
    // A resource outside the code is the client's mistake: refused before the code is spent.
    checkGrantedResources(requestedResources, pending.code.resources);
  }
  const result = await stores.authorizationCodes.consume(codeHash, at);
  if (result.status === 'replayed') {
    const revoked = await stores.grants.revoke(result.code.grantId, at);
    await stores.audit.append({
      type: 'authorization_code.replayed',
      at,
      userId: result.code.userId,
      clientId: client.clientId,
      details: { grantRevoked: revoked, codeClientId: result.code.clientId },
    });
  }
  const code = checkCodeFound(result);
  checkCodeNotExpired(code, at);
  checkCodeClient(code, client);
  checkCodeRedirectUri(code, redirectUri);
  checkPkce(code.codeChallenge, verifier, client);
  checkCodeDpopBinding(code, dpopJkt);
  const user = checkUserActive(await stores.users.getById(code.userId));

  return signInTokenResponse(
    services,
    { type: 'authorization_code', at },
    {
      client,
      user,
      grantId: code.grantId,
      scopes: code.scopes,
      resources: checkGrantedResources(requestedResources, code.resources),
      nonce: code.nonce,
      authTime: code.authTime,
      acr: code.acr,
      amr: code.amr,
      sid: code.sid,
      claimsRequest: parseClaimsRequest(code.claimsRequest),
    },
  );
}

/** RFC 6749 §4.1, with PKCE (RFC 7636) on by default at the authorization endpoint. */
export const authorizationCodeGrant = {
  type: 'authorization_code',
  responseTypes: ['code'],
  requiresRedirectUri: true,
  allowsPublicClients: true,
  implemented: true,
  handle: redeemAuthorizationCode,
} as const satisfies GrantDefinition;
