import type { ClientAuthMethod, ClientAuthRequest } from './method.js';

/**
 * OIDC Core §9: a public client sends only its client_id (and proves possession with PKCE). It proves
 * nothing by itself: the token endpoint accepts it only for a client registered as public with `none`.
 */
export const noClientAuth = {
  method: 'none',
  usesSecret: false,
  forPublicClients: true,
  requiresClientKeys: false,
  implemented: true,
  presentedIn: (request: ClientAuthRequest) => request.params.has('client_id'),
  read: (request: ClientAuthRequest) => ({ clientId: request.params.require('client_id') }),
  verify: () => true,
} as const satisfies ClientAuthMethod;
