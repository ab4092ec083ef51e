import { recordTokensIssued } from '../audit/tokens-issued.js';
import type { ClientRecord } from '../store/types.js';
import type { SignInTokenInput } from '../tokens/index.js';
import type { GrantServices, TokenResponseBody } from './grant.js';
import { refreshTokenMember } from './refresh-token.js';

/**
 * The token response of a grant that a person's sign-in stands behind (authorization code, device code):
 * mint the access and ID tokens, record the issuance in the audit log, and add a refresh token when the
 * client is registered for one (RFC 6749 §5.1, OIDC Core §3.1.3.3). One function, so both grants answer
 * the same way.
 */
export async function signInTokenResponse(
  services: GrantServices,
  grant: { readonly type: string; readonly at: number },
  input: SignInTokenInput & { readonly client: ClientRecord },
): Promise<TokenResponseBody> {
  const tokens = services.tokens.issueSignInTokens(input);
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
    ...(await refreshTokenMember(services, {
      client: input.client,
      grantId: input.grantId,
      userId: input.user.id,
      scopes: input.scopes,
    })),
    scope: tokens.scope,
  };
}
