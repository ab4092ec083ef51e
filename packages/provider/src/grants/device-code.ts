import type { GrantDefinition } from './grant.js';

/** RFC 8628 §3.4. */
export const deviceCodeGrant = {
  type: 'urn:ietf:params:oauth:grant-type:device_code',
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: true,
  implemented: false,
} as const satisfies GrantDefinition;
