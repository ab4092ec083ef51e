import type { GrantDefinition } from './grant.js';

/** RFC 6749 §4.1, with PKCE (RFC 7636) required by the authorization endpoint. */
export const authorizationCodeGrant = {
  type: 'authorization_code',
  responseTypes: ['code'],
  requiresRedirectUri: true,
  allowsPublicClients: true,
  implemented: false,
} as const satisfies GrantDefinition;
