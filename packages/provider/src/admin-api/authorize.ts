import { bearerChallenge, extractBearerToken, type JwtClaims } from '@latchkey/oidc';
import type { FastifyRequest } from 'fastify';
import { ADMIN_GROUP } from '../admin/index.js';
import { ADMIN_READ_SCOPE, ADMIN_SCOPE } from '../scopes/index.js';
import type { ClientRecord, GrantStore, GroupStore, UserStore } from '../store/types.js';
import type { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import { ProblemError } from './problem.js';

/** Who is calling: the admin user's `sub`, or the admin service client's id (no user). */
export interface AdminCaller {
  readonly subject: string;
  readonly kind: 'user' | 'client';
  /** True when the token holds `latchkey:admin` (every operation), false for read-only. */
  readonly canWrite: boolean;
}

export interface AdminAuthorizationDeps {
  readonly audience: string;
  /** Our own access-token verifier, audience = the admin API (issuer, typ at+jwt, expiry, signature). */
  readonly verify: AccessTokenVerifier;
  readonly users: Pick<UserStore, 'getById'>;
  readonly groups: Pick<GroupStore, 'groupsOf'>;
  readonly grants: Pick<GrantStore, 'get'>;
  /** The endpoints' view of clients: a disabled client is unknown. */
  readonly clients: { get(clientId: string): Promise<ClientRecord | undefined> };
}

const REALM = 'latchkey-admin';

/**
 * Checklist N1: the request carries one of our access tokens for the admin API (RFC 6750 §2.1 header
 * only), with `latchkey:admin` (or `latchkey:admin.read` for a read), and it speaks for a member of
 * latchkey-admins, or for a client registered for the admin API. Else 401/403 with an RFC 6750 §3
 * challenge; nothing of the request has run yet.
 */
export async function authorizeAdmin(
  deps: AdminAuthorizationDeps,
  request: FastifyRequest,
): Promise<AdminCaller> {
  const extraction = extractBearerToken({
    authorization: authorizationValues(request.raw.rawHeaders),
    url: request.url,
  });
  if (extraction.kind === 'missing')
    throw unauthorized(undefined, 'An access token for the admin API is required');
  if (extraction.kind === 'invalid_request') throw refusal(400, 'invalid_request', extraction.description);
  let claims: JwtClaims;
  try {
    claims = await deps.verify(extraction.token);
  } catch (error) {
    // The verifier's message names the failed check (expired, audience, issuer), never the token.
    throw unauthorized(
      'invalid_token',
      error instanceof Error ? error.message : 'The access token is not valid',
    );
  }
  // RFC 9449 §7.1 (checklist N1, DPoP): a sender-constrained token is only good with its proof; the
  // admin API takes Bearer tokens, so a token bound to a key (`cnf`) presented as Bearer is refused.
  if (claims['cnf'] !== undefined) {
    throw unauthorized(
      'invalid_token',
      'The access token is bound to a key (DPoP) and cannot be used as a Bearer token',
    );
  }
  const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
  const canWrite = scopes.includes(ADMIN_SCOPE);
  const reading = request.method === 'GET' || request.method === 'HEAD';
  if (!canWrite && !(reading && scopes.includes(ADMIN_READ_SCOPE))) {
    throw refusal(
      403,
      'insufficient_scope',
      reading
        ? `The token needs the ${ADMIN_SCOPE} or ${ADMIN_READ_SCOPE} scope`
        : `The token needs the ${ADMIN_SCOPE} scope`,
      [reading ? ADMIN_READ_SCOPE : ADMIN_SCOPE],
    );
  }
  const subject = String(claims.sub);
  const grantId = claims['grant_id'];
  if (grantId === undefined && subject === claims['client_id']) {
    // RFC 9068 §2.2: no resource owner, `sub` is the client. It must still be registered, enabled, and
    // registered for the admin API (its scope and resource), so removing either ends its access at once.
    const client = await deps.clients.get(subject);
    if (
      client === undefined ||
      !client.scopes.includes(ADMIN_SCOPE) ||
      !client.allowedResources.includes(deps.audience)
    ) {
      throw refusal(403, 'insufficient_scope', 'The client is not registered as an admin service client');
    }
    return { subject, kind: 'client', canWrite };
  }
  // A user's token: its grant must be live (revoked at logout or by the user), its client enabled, the
  // user enabled, and in latchkey-admins now, not when the token was issued.
  const grant = typeof grantId === 'string' ? await deps.grants.get(grantId) : undefined;
  if (grant === undefined || grant.revokedAt !== null)
    throw unauthorized('invalid_token', 'The access token was revoked');
  // As at UserInfo: the tokens of a disabled or deleted client stop working at once.
  if ((await deps.clients.get(grant.clientId)) === undefined) {
    throw unauthorized('invalid_token', 'The client of the access token is disabled');
  }
  const user = await deps.users.getById(subject);
  if (user === undefined || user.disabled)
    throw unauthorized('invalid_token', 'The user of the access token is disabled');
  if (!(await deps.groups.groupsOf(user.id)).includes(ADMIN_GROUP)) {
    throw refusal(403, 'insufficient_scope', `The user is not a member of ${ADMIN_GROUP}`);
  }
  return { subject, kind: 'user', canWrite };
}

/** Every Authorization value (Node keeps only the first in `headers`, which would hide a second token). */
function authorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'authorization') values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}

function unauthorized(error: 'invalid_token' | undefined, description: string): ProblemError {
  return new ProblemError(
    { status: 401, title: 'Unauthorized', detail: description, code: 'ERR_UNAUTHORIZED' },
    { 'www-authenticate': bearerChallenge({ realm: REALM, error, errorDescription: description }) },
  );
}

function refusal(
  status: 400 | 403,
  error: 'invalid_request' | 'insufficient_scope',
  description: string,
  scope?: readonly string[],
): ProblemError {
  return new ProblemError(
    {
      status,
      title: status === 400 ? 'Bad Request' : 'Forbidden',
      detail: description,
      code: status === 400 ? 'ERR_INVALID_INPUT' : 'ERR_FORBIDDEN',
    },
    { 'www-authenticate': bearerChallenge({ realm: REALM, error, errorDescription: description, scope }) },
  );
}
