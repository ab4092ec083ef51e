import type { ClientRecord } from '@latchkey/provider';

/**
 * A client as the CLI shows it in JSON (every command prints this one shape): OAuth field names
 * (RFC 7591 §2), never the secret or its hash.
 */
export function clientJson(client: ClientRecord): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_name: client.name,
    client_type: client.type,
    disabled: client.disabled,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    backchannel_logout_uri: client.backchannelLogoutUri,
    grant_types: client.grantTypes,
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    resources: client.allowedResources,
    // Whether signing in needs a second factor; null: the provider's mfa.default.
    mfa: client.mfa ?? null,
    jwks_uri: client.jwksUri,
    previous_secret_expires_at: client.previousSecret?.expiresAt ?? null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

/** The same client as `client show` prints it for a person: one field a line. */
export function clientLines(client: ClientRecord): string[] {
  const list = (values: readonly string[]) => (values.length === 0 ? '-' : values.join(' '));
  return [
    `client_id:                  ${client.clientId}`,
    `name:                       ${client.name}`,
    `type:                       ${client.type}`,
    `status:                     ${client.disabled ? 'disabled' : 'enabled'}`,
    `auth method:                ${client.tokenEndpointAuthMethod}`,
    `grants:                     ${list(client.grantTypes)}`,
    `scopes:                     ${list(client.scopes)}`,
    `redirect URIs:              ${list(client.redirectUris)}`,
    `post-logout redirect URIs:  ${list(client.postLogoutRedirectUris)}`,
    `resources:                  ${list(client.allowedResources)}`,
    `back-channel logout URI:    ${client.backchannelLogoutUri ?? '-'}`,
    `second factor:              ${client.mfa ?? 'provider default'}`,
    ...(client.previousSecret === null
      ? []
      : [`old secret valid until:     ${new Date(client.previousSecret.expiresAt * 1000).toISOString()}`]),
  ];
}
