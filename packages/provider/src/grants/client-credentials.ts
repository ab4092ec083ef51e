import { InvalidScope, InvalidTarget } from '../errors/index.js';
import { findScope } from '../scopes/index.js';
import type { ClientRecord } from '../store/types.js';
import { checkAddressableResources } from '../tokens/audience.js';
import type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';

/**
 * The scopes a client may ask for itself: its registered scopes except those of the scope registry
 * that concern a person (`openid`, `profile`, `offline_access`, …) and mean nothing without one.
 */
export function clientOwnScopes(client: Pick<ClientRecord, 'scopes'>): string[] {
  return client.scopes.filter((scope) => {
    const known = findScope(scope);
    return known === undefined || known.withoutUser === true;
  });
}

/**
 * RFC 6749 §3.3 and §4.4.2: each requested scope must be one the client may have; an omitted scope
 * means all of them (the documented default).
 */
export function checkClientCredentialsScope(
  requested: readonly string[],
  client: Pick<ClientRecord, 'scopes'>,
): string[] {
  const allowed = clientOwnScopes(client);
  if (requested.length === 0) return allowed;
  const refused = requested.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) {
    throw new InvalidScope(`The client may not request these scopes without a user: ${refused.join(' ')}`);
  }
  return [...requested];
}

/**
 * RFC 8707 §2: each `resource` must be one the client may address (its `allowedResources`, compared
 * exactly), else `invalid_target`. With none given, a client with exactly one allowed resource gets
 * it; a client with several must name them, so a token is never valid at every API by default
 * (RFC 8707 §1: audience-restricted tokens). The result becomes the token's `aud` (RFC 9068 §3).
 */
export function checkClientCredentialsResources(
  requested: readonly string[],
  client: Pick<ClientRecord, 'allowedResources'>,
): string[] {
  const allowed = client.allowedResources;
  if (requested.length === 0) {
    if (allowed.length === 1) return [...allowed];
    throw new InvalidTarget(
      allowed.length === 0
        ? 'The client has no allowed resources, so no access token can be issued to it'
        : 'The resource parameter is required: name the resource the token is for',
    );
  }
  return checkAddressableResources(requested, client);
}

/**
 * RFC 6749 §4.4: a confidential client asks for a token for itself — no user, `sub` = client id. This
 * is the provider's hot path: it reads only the (cached) client registration and signs with the
 * in-memory key, and writes nothing (no grant row, no audit row).
 */
async function issueClientToken(
  { client, params }: GrantRequest,
  services: GrantServices,
): Promise<TokenResponseBody> {
  const scopes = checkClientCredentialsScope(params.list('scope'), client);
  const audience = checkClientCredentialsResources(params.all('resource'), client);
  const token = services.tokens.issueClientToken({ clientId: client.clientId, scopes, audience });
  // RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included."
  return {
    access_token: token.accessToken,
    token_type: 'Bearer',
    expires_in: token.expiresIn,
    scope: token.scope,
  };
}

/** RFC 6749 §4.4: confidential clients only. */
export const clientCredentialsGrant = {
  type: 'client_credentials',
  responseTypes: [],
  requiresRedirectUri: false,
  requiresResource: true,
  allowsPublicClients: false,
  implemented: true,
  handle: issueClientToken,
} as const satisfies GrantDefinition;
