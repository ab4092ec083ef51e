import { recordTokensIssued, tokensIssuedEvent } from '../audit/tokens-issued.js';
import { requestedClaimNames, withGroupsIfReleased } from '../claims/index.js';
import { claimsForScopes } from '../scopes/index.js';
import type { AuditEvent, ClientRecord } from '../store/types.js';
import type { SignInTokenInput } from '../tokens/index.js';
import type { GrantServices, TokenResponseBody } from './grant.js';

/**
 * The refresh_token grant's type, defined here rather than in grants/refresh-token.ts (which uses it)
 * because that module imports this one.
 */
export const REFRESH_TOKEN_GRANT_TYPE = 'refresh_token';

/**
 * Whether a token response of `client` carries a refresh token: when the client is registered for the
 * refresh_token grant (client policy). `offline_access` (OIDC Core §11) is not required, and does not
 * change the token's life: every family ends at logout, password change and its absolute lifetime.
 */
export function issuesRefreshTokens(client: Pick<ClientRecord, 'grantTypes'>): boolean {
  return client.grantTypes.includes(REFRESH_TOKEN_GRANT_TYPE);
}

/**
 * The `refresh_token` member of a token response for a new grant (RFC 6749 §5.1) — a new family when
 * the client is registered for refresh tokens — then the response's audit event, appended once the
 * family is stored so there is no event for tokens that were not handed out. The one call other
 * grants make to start a family.
 */
async function newFamilyMember(
  services: Pick<GrantServices, 'refreshTokens' | 'now' | 'stores'>,
  family: {
    client: Pick<ClientRecord, 'clientId' | 'grantTypes'>;
    grantId: string;
    userId: string;
    scopes: readonly string[];
  },
  event: AuditEvent,
): Promise<{ refresh_token?: string }> {
  const member = issuesRefreshTokens(family.client)
    ? {
        refresh_token: await services.refreshTokens.issue(
          {
            grantId: family.grantId,
            clientId: family.client.clientId,
            userId: family.userId,
            scopes: family.scopes,
          },
          services.now(),
        ),
      }
    : {};
  await recordTokensIssued(services.stores.audit, event);
  return member;
}

/**
 * The token response of a grant that a person's sign-in stands behind (authorization code, device code,
 * refresh token): mint the access and ID tokens, then store what the response changes and its
 * `token.issued` audit event — the refresh grant's rotation, with the event in the rotation's own
 * commit, else a new family when the client is registered for refresh tokens (RFC 6749 §5.1, §6; OIDC
 * Core §3.1.3.3, §12.2). One function, so every grant answers the same way.
 *
 * The tokens are signed before those writes, not after: the writes are the last steps that can fail,
 * so an event is stored only for tokens handed out (a rotation lost to a concurrent request stores
 * none, and its signed tokens are dropped), and the rotation's transaction stays short.
 */
export async function signInTokenResponse(
  services: GrantServices,
  grant: {
    readonly type: string;
    readonly at: number;
    /**
     * The refresh grant's rotation, run once the tokens are signed with the event to store in its
     * commit: resolves to the successor to send, throws when the token was rotated by someone else.
     */
    readonly rotate?: (event: AuditEvent) => Promise<string>;
  },
  input: SignInTokenInput & { readonly client: ClientRecord },
): Promise<TokenResponseBody> {
  // The groups claim needs a lookup; only made when the scope or a `claims` request releases it.
  const user = await withGroupsIfReleased(services.stores.groups, input.user, [
    ...claimsForScopes(input.scopes),
    ...requestedClaimNames(input.claimsRequest.idToken, input.client.scopes),
  ]);
  const tokens = services.tokens.issueSignInTokens({ ...input, user });
  const event = tokensIssuedEvent({
    at: grant.at,
    grantType: grant.type,
    clientId: input.client.clientId,
    userId: input.user.id,
    grantId: input.grantId,
    scope: tokens.scope,
  });
  const refreshToken =
    grant.rotate === undefined
      ? await newFamilyMember(
          services,
          { client: input.client, grantId: input.grantId, userId: input.user.id, scopes: input.scopes },
          event,
        )
      : { refresh_token: await grant.rotate(event) };
  return {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    ...(tokens.idToken === undefined ? {} : { id_token: tokens.idToken }),
    ...refreshToken,
    scope: tokens.scope,
  };
}
