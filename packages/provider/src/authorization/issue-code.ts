import type { AuthorizationCodeStore, GrantStore, SessionRecord } from '../store/types.js';
import { hashOpaqueToken } from '../tokens/index.js';
import type { AuthorizationRequest } from './request.js';

/** 256 bits (RFC 6749 §10.10: the probability of guessing a code must be negligible). */
const CODE_BYTES = 32;
const GRANT_ID_BYTES = 16;

export interface IssueCodeDeps {
  readonly stores: { readonly grants: GrantStore; readonly authorizationCodes: AuthorizationCodeStore };
  readonly random: (n: number) => Buffer;
  /** config.authorization.codeLifetime, ≤ 60 s (A2). */
  readonly codeLifetime: number;
}

/**
 * Issues an authorization code (RFC 6749 §4.1.2): creates the grant the code's tokens will live under
 * (revoked as a whole on code replay, A1), then stores only the code's hash, bound to the client, the
 * exact redirect_uri, the PKCE challenge (A5/A6) and the nonce (J23). Returns the code itself, which
 * exists nowhere else and is never logged.
 */
export async function issueAuthorizationCode(
  deps: IssueCodeDeps,
  request: AuthorizationRequest,
  session: SessionRecord,
  now: number,
): Promise<string> {
  const grantId = deps.random(GRANT_ID_BYTES).toString('base64url');
  const resources = [...(request.resources ?? [])];
  await deps.stores.grants.create({
    id: grantId,
    clientId: request.clientId,
    userId: session.userId,
    scopes: [...request.scopes],
    resources,
    sid: session.sid,
    createdAt: now,
    revokedAt: null,
  });
  const code = deps.random(CODE_BYTES).toString('base64url');
  await deps.stores.authorizationCodes.create({
    codeHash: hashOpaqueToken(code),
    grantId,
    clientId: request.clientId,
    userId: session.userId,
    redirectUri: request.redirectUri,
    scopes: [...request.scopes],
    nonce: request.nonce ?? null,
    codeChallenge: request.codeChallenge,
    dpopJkt: request.dpopJkt ?? null,
    sid: session.sid,
    authTime: session.authTime,
    acr: session.acr,
    amr: [...session.amr],
    claimsRequest: request.claims ?? null,
    resources,
    createdAt: now,
    expiresAt: now + deps.codeLifetime,
    consumedAt: null,
  });
  return code;
}
