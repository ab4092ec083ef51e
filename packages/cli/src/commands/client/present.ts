import type { ClientRecord } from '@latchkey/provider';

/** A client as the CLI shows it in JSON: OAuth field names (RFC 7591 §2), never the secret hash. */
export function clientJson(client: ClientRecord): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_name: client.name,
    client_type: client.type,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    backchannel_logout_uri: client.backchannelLogoutUri,
    grant_types: client.grantTypes,
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    resources: client.allowedResources,
    created_at: client.createdAt,
  };
}
