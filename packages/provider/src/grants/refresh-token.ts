import type { GrantDefinition } from './grant.js';

/** RFC 6749 §6. */
export const refreshTokenGrant = {
  type: 'refresh_token',
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: true,
  implemented: false,
} as const satisfies GrantDefinition;
