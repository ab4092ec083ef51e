import type { ClientAuthMethod } from './method.js';

/** RFC 6749 §2.3.1: client_id and client_secret in the request body. */
export const clientSecretPost = {
  method: 'client_secret_post',
  usesSecret: true,
  forPublicClients: false,
  requiresClientKeys: false,
  implemented: false,
} as const satisfies ClientAuthMethod;
