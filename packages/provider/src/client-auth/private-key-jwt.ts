import type { ClientAuthMethod } from './method.js';

/** RFC 7523 §2.2 / OIDC Core §9: a JWT signed with a key the client registered. */
export const privateKeyJwt = {
  method: 'private_key_jwt',
  usesSecret: false,
  forPublicClients: false,
  requiresClientKeys: true,
  implemented: false,
} as const satisfies ClientAuthMethod;
