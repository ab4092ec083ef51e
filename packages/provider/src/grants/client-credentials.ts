import type { GrantDefinition } from './grant.js';

/** RFC 6749 §4.4: confidential clients only. */
export const clientCredentialsGrant = {
  type: 'client_credentials',
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: false,
  implemented: false,
} as const satisfies GrantDefinition;
