import type { ClientAuthMethod, ClientAuthRequest } from './method.js';
import { verifySharedSecret } from './shared-secret.js';

/** RFC 6749 §2.3.1: client_id and client_secret in the request body. */
export const clientSecretPost = {
  method: 'client_secret_post',
  usesSecret: true,
  forPublicClients: false,
  requiresClientKeys: false,
  implemented: true,
  presentedIn: (request: ClientAuthRequest) => request.params.has('client_secret'),
  read: (request: ClientAuthRequest) => ({
    clientId: request.params.require('client_id'),
    secret: request.params.require('client_secret'),
  }),
  verify: verifySharedSecret,
} as const satisfies ClientAuthMethod;
