import { createHash, randomBytes } from 'node:crypto';
import type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  GrantStore,
  SessionStore,
} from '../../src/store/types.js';
import { hashOpaqueToken } from '../../src/tokens/index.js';

/** A PKCE verifier and its S256 challenge (RFC 7636 §4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * What a code is bound to that every caller must say; anything else of the record may be overridden
 * (a null PKCE challenge, a claims request, another user …) to set up the case a test is about.
 */
export type AuthorizationCodeFields = Pick<
  AuthorizationCodeRecord,
  'clientId' | 'userId' | 'redirectUri' | 'scopes' | 'sid' | 'authTime' | 'createdAt'
> &
  Partial<AuthorizationCodeRecord>;

export interface RecordedAuthorizationCode {
  /** The code itself (only its hash is stored). */
  readonly code: string;
  /** A PKCE verifier whose S256 challenge is the record's, unless the caller set `codeChallenge`. */
  readonly verifier: string;
  readonly grantId: string;
  readonly record: AuthorizationCodeRecord;
}

/**
 * Records a grant and an authorization code for it exactly as the authorization endpoint does
 * (src/authorization/issue-code.ts): the grant first, carrying the code's client, user, scopes and sid,
 * then the code's hash bound to the redirect URI, PKCE challenge (S256) and nonce, valid for 60 s
 * (A2). So the token endpoint and what follows it can be tested without the login and consent pages.
 */
export async function recordAuthorizationCode(
  stores: { readonly grants: GrantStore; readonly authorizationCodes: AuthorizationCodeStore },
  fields: AuthorizationCodeFields,
): Promise<RecordedAuthorizationCode> {
  const code = randomBytes(32).toString('base64url');
  const pkce = pkcePair();
  const record: AuthorizationCodeRecord = {
    codeHash: hashOpaqueToken(code),
    grantId: randomBytes(16).toString('base64url'),
    nonce: null,
    codeChallenge: pkce.challenge,
    acr: null,
    amr: ['pwd'],
    claimsRequest: null,
    resources: [],
    expiresAt: fields.createdAt + 60,
    consumedAt: null,
    ...fields,
  };
  await stores.grants.create({
    id: record.grantId,
    clientId: record.clientId,
    userId: record.userId,
    scopes: record.scopes,
    resources: record.resources,
    sid: record.sid,
    createdAt: record.createdAt,
    revokedAt: null,
  });
  await stores.authorizationCodes.create(record);
  return { code, verifier: pkce.verifier, grantId: record.grantId, record };
}

/**
 * Records a live password session of `userId` (signed in at `authTime`, seen at `now`, an hour left),
 * as the login page does; returns its sid, for codes and tokens issued under it.
 */
export async function recordSession(
  sessions: SessionStore,
  { userId, authTime, now }: { readonly userId: string; readonly authTime: number; readonly now: number },
): Promise<string> {
  const sid = randomBytes(16).toString('base64url');
  await sessions.create({
    idHash: hashOpaqueToken(randomBytes(32).toString('base64url')),
    sid,
    userId,
    authTime,
    amr: ['pwd'],
    acr: null,
    createdAt: authTime,
    lastSeenAt: now,
    expiresAt: now + 3600,
    endedAt: null,
  });
  return sid;
}
