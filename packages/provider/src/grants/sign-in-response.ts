import { recordTokensIssued } from '../audit/tokens-issued.js';
import { requestedClaimNames, withGroupsIfReleased } from '../claims/index.js';
import { claimsForScopes } from '../scopes/index.js';
import type { ClientRecord } from '../store/types.js';
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
 * The `refresh_token` member of a token response for a new grant (RFC 6749 §5.1), or nothing when the
 * client does not use refresh tokens. The one call other grants make to start a family.
 */
async function refreshTokenMember(
  services: Pick<GrantServices, 'refreshTokens' | 'now'>,
  family: {
    client: Pick<ClientRecord, 'clientId' | 'grantTypes'>;
    grantId: string;
    userId: string;
    scopes: readonly string[];
  },
): Promise<{ refresh_token?: string }> {
  if (!issuesRefreshTokens(family.client)) return {};
  const refreshToken = await services.refreshTokens.issue(
    {
      grantId: family.grantId,
      clientId: family.client.clientId,
      userId: family.userId,
      scopes: family.scopes,
    },
    services.now(),
  );
  return { refresh_token: refreshToken };
}

/**
 * The token response of a grant that a person's sign-in stands behind (authorization code, device code,
 * refresh token): mint the access and ID tokens, record the issuance in the audit log, and add a refresh
 * token — the rotated successor for the refresh grant, else a new family when the client is registered
 * for refresh tokens (RFC 6749 §5.1, §6; OIDC Core §3.1.3.3, §12.2). One function, so every grant
 * answers the same way.
 */
export async function signInTokenResponse(
  services: GrantServices,
  grant: {
    readonly type: string;
    readonly at: number;
    /** The refresh grant's rotated successor, sent as it is instead of starting a family. */
    readonly refreshToken?: string;
  },
  input: SignInTokenInput & { readonly client: ClientRecord },
): Promise<TokenResponseBody> {
  // The groups claim needs a lookup; only made when the scope or a `claims` request releases it.
  const user = await withGroupsIfReleased(services.stores.groups, input.user, [
    ...claimsForScopes(input.scopes),
    ...requestedClaimNames(input.claimsRequest.idToken, input.client.scopes),
  ]);
  const tokens = services.tokens.issueSignInTokens({ ...input, user });
  await recordTokensIssued(services.stores.audit, {
    at: grant.at,
    grantType: grant.type,
    clientId: input.client.clientId,
    userId: input.user.id,
    grantId: input.grantId,
    scope: tokens.scope,
  });
  return {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    ...(tokens.idToken === undefined ? {} : { id_token: tokens.idToken }),
    ...(grant.refreshToken === undefined
      ? await refreshTokenMember(services, {
          client: input.client,
          grantId: input.grantId,
          userId: input.user.id,
          scopes: input.scopes,
        })
      : { refresh_token: grant.refreshToken }),
    scope: tokens.scope,
  };
}
