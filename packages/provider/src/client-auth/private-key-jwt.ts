import type { ClientAuthMethod, ClientAuthRequest } from './method.js';

/**
 * RFC 7523 §2.2 / OIDC Core §9: a JWT signed with a key the client registered. Not implemented yet;
 * it is still recognised, so a request that combines it with another method is refused (C2).
 */
export const privateKeyJwt = {
  method: 'private_key_jwt',
  usesSecret: false,
  forPublicClients: false,
  requiresClientKeys: true,
  implemented: false,
  presentedIn: (request: ClientAuthRequest) =>
    request.params.has('client_assertion') || request.params.has('client_assertion_type'),
} as const satisfies ClientAuthMethod;
