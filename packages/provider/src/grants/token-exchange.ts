import { isJoseError, type JwtClaims } from '@latchkey/oidc';
import type { TokenExchangePolicy } from '../config/machine-identity.js';
import { InvalidRequest, InvalidScope, InvalidTarget, UnauthorizedClient } from '../errors/index.js';
import { narrowGranted } from '../lib/narrow.js';
import type { RequestParams } from '../lib/request-params.js';
import type { ClientRecord } from '../store/types.js';
import { GRANT_ID_CLAIM } from '../tokens/index.js';
import type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';
import type { MachineIdentityServices } from './machine-identity.js';

/** RFC 8693 §3: token type identifiers. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/** A Latchkey token presented as subject or actor, verified. */
interface PresentedToken {
  readonly claims: JwtClaims;
  /** The client it was issued to: `client_id` of an access token, `azp`/`aud` of an ID token. */
  readonly clientId: string;
}

/** RFC 8693 §2.1: this client needs a policy to exchange anything (config tokenExchange.clients). */
export function checkExchangePolicy(
  client: Pick<ClientRecord, 'clientId'>,
  policies: Readonly<Record<string, TokenExchangePolicy>>,
): TokenExchangePolicy {
  const policy = Object.hasOwn(policies, client.clientId) ? policies[client.clientId] : undefined;
  if (policy === undefined) throw new UnauthorizedClient('The client has no token exchange policy');
  return policy;
}

/** RFC 8693 §2.1 `requested_token_type`: we issue access tokens only. */
export function checkRequestedTokenType(params: RequestParams): void {
  const requested = params.get('requested_token_type');
  if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
    throw new InvalidRequest('Only access tokens can be requested');
  }
}

/**
 * RFC 8693 §2.1–2.2.2: the subject token must be one Latchkey issued (an access token or ID token), valid
 * now, whose grant is not revoked, issued to a client whose tokens this client may exchange; anything
 * else is `invalid_request`. Revocation is read on every exchange: a logged-out user's token is refused.
 */
async function readSubjectToken(
  params: RequestParams,
  policy: TokenExchangePolicy,
  machine: MachineIdentityServices,
  services: GrantServices,
): Promise<PresentedToken> {
  const token = params.require('subject_token');
  const type = params.require('subject_token_type');
  const presented = await readLatchkeyToken(token, type, machine, 'subject_token');
  if (!policy.subjectClients.includes(presented.clientId)) {
    throw new InvalidRequest(
      'The subject token was issued to a client whose tokens this client may not exchange',
    );
  }
  const grantId = presented.claims[GRANT_ID_CLAIM];
  if (typeof grantId === 'string') {
    const grant = await services.stores.grants.get(grantId);
    if (grant === undefined || grant.revokedAt !== null) {
      throw new InvalidRequest('The subject token has been revoked', 'subject grant revoked');
    }
  }
  if (type === ID_TOKEN_TYPE) {
    const user = await services.stores.users.getById(String(presented.claims.sub));
    if (user === undefined || user.disabled) throw new InvalidRequest('The subject token is no longer valid');
  }
  return presented;
}

async function readLatchkeyToken(
  token: string,
  type: string,
  machine: MachineIdentityServices,
  name: string,
): Promise<PresentedToken> {
  if (type !== ACCESS_TOKEN_TYPE && type !== ID_TOKEN_TYPE) {
    throw new InvalidRequest(`The ${name}_type is not supported: use an access token or an ID token`);
  }
  let claims: JwtClaims;
  try {
    claims = await (type === ACCESS_TOKEN_TYPE
      ? machine.verifyAccessToken(token)
      : machine.verifyIdToken(token));
  } catch (error) {
    if (isJoseError(error)) throw new InvalidRequest(`The ${name} is invalid`, error.code);
    throw error;
  }
  const clientId =
    type === ACCESS_TOKEN_TYPE
      ? claims.client_id
      : (claims.azp ?? (typeof claims.aud === 'string' ? claims.aud : undefined));
  if (typeof clientId !== 'string') throw new InvalidRequest(`The ${name} names no client`);
  return { claims, clientId };
}

/**
 * RFC 8693 §1.1, §4.1: with an `actor_token` the result is delegation — `act` names the actor, and the
 * subject token's own `act` goes inside it, so a chain reads outermost = latest. The actor token must be
 * one issued to this very client (it acts as itself). Without one the client asks to impersonate the
 * subject (no new `act`), which only a policy with `impersonation: true` allows.
 */
async function actClaim(
  params: RequestParams,
  client: Pick<ClientRecord, 'clientId'>,
  policy: TokenExchangePolicy,
  subject: PresentedToken,
  machine: MachineIdentityServices,
): Promise<Readonly<Record<string, unknown>> | undefined> {
  const previous = subject.claims['act'];
  const chain = typeof previous === 'object' && previous !== null ? { act: previous } : {};
  const actorToken = params.get('actor_token');
  if (actorToken === undefined) {
    if (params.has('actor_token_type')) throw new InvalidRequest('actor_token_type without actor_token');
    if (!policy.impersonation) {
      throw new InvalidRequest(
        'This client may not impersonate: send an actor_token to act on behalf of the subject',
      );
    }
    return previous === undefined ? undefined : (previous as Record<string, unknown>);
  }
  const actor = await readLatchkeyToken(
    actorToken,
    params.require('actor_token_type'),
    machine,
    'actor_token',
  );
  if (actor.clientId !== client.clientId) {
    throw new InvalidRequest('The actor token must be one issued to the requesting client');
  }
  return { sub: actor.claims.sub, client_id: client.clientId, ...chain };
}

/** RFC 8693 §2.1 `audience` and RFC 8707 `resource`: each one the policy allows; one is needed. */
export function checkExchangeAudience(params: RequestParams, policy: TokenExchangePolicy): string[] {
  const requested = [...new Set([...params.all('audience'), ...params.all('resource')])];
  if (requested.length === 0) {
    if (policy.audiences.length === 1) return [...policy.audiences];
    throw new InvalidTarget('Name the audience the exchanged token is for');
  }
  const refused = requested.filter((audience) => !policy.audiences.includes(audience));
  if (refused.length > 0)
    throw new InvalidTarget('The audience is not one this client may exchange tokens for');
  return requested;
}

/** The scope is never wider than both the subject token's and the policy's (RFC 8693 §2.1, §5). */
export function checkExchangeScope(
  requested: readonly string[],
  subject: JwtClaims,
  subjectType: string,
  policy: TokenExchangePolicy,
): string[] {
  const subjectScopes =
    subjectType === ACCESS_TOKEN_TYPE && typeof subject.scope === 'string'
      ? subject.scope.split(' ').filter((s) => s !== '')
      : [...policy.scopes];
  const allowed = subjectScopes.filter((scope) => policy.scopes.includes(scope));
  return narrowGranted(
    requested,
    allowed,
    (wider) => new InvalidScope(`The scope is wider than allowed (${wider.join(' ')})`),
  );
}

async function exchange(
  { client, params }: GrantRequest,
  services: GrantServices,
): Promise<TokenResponseBody> {
  const machine = services.machine;
  if (machine === undefined) throw new UnauthorizedClient('Token exchange is not configured');
  const policy = checkExchangePolicy(client, machine.tokenExchange);
  checkRequestedTokenType(params);
  const subject = await readSubjectToken(params, policy, machine, services);
  const audience = checkExchangeAudience(params, policy);
  const scopes = checkExchangeScope(
    params.list('scope'),
    subject.claims,
    params.require('subject_token_type'),
    policy,
  );
  const act = await actClaim(params, client, policy, subject, machine);
  const grantId = subject.claims[GRANT_ID_CLAIM];
  const token = services.tokens.issueMachineToken({
    subject: String(subject.claims.sub),
    clientId: client.clientId,
    scopes,
    audience,
    act,
    expiresAtMost: subject.claims.exp,
    grantId: typeof grantId === 'string' ? grantId : null,
  });
  await services.stores.audit.append({
    type: 'token.exchanged',
    at: services.now(),
    userId: String(subject.claims.sub),
    clientId: client.clientId,
    details: {
      subjectClient: subject.clientId,
      audience,
      scope: token.scope,
      mode: params.has('actor_token') ? 'delegation' : 'impersonation',
    },
  });
  return {
    access_token: token.accessToken,
    // RFC 8693 §2.2.1.
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: token.expiresIn,
    scope: token.scope,
  };
}

/** RFC 8693: confidential clients only, each with a policy. */
export const tokenExchangeGrant = {
  type: 'urn:ietf:params:oauth:grant-type:token-exchange',
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: false,
  implemented: true,
  handle: exchange,
} as const satisfies GrantDefinition;
