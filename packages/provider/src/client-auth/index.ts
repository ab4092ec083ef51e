import { clientSecretBasic } from './client-secret-basic.js';
import { clientSecretPost } from './client-secret-post.js';
import type { ClientAuthMethod } from './method.js';
import { noClientAuth } from './none.js';
import { privateKeyJwt } from './private-key-jwt.js';
import { workloadClientAssertion } from './workload-assertion.js';

export { authenticateClient } from './authenticate.js';
export { decodeBasicCredentials } from './client-secret-basic.js';
export type { ClientAuthMethod, ClientAuthRequest, PresentedCredentials } from './method.js';

/** The client-authentication registry: the one list discovery, client validation and the token endpoint read. */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  clientSecretBasic,
  clientSecretPost,
  privateKeyJwt,
  workloadClientAssertion,
  noClientAuth,
];

export function findClientAuthMethod(
  method: string,
  registry: readonly ClientAuthMethod[] = CLIENT_AUTH_METHODS,
): ClientAuthMethod | undefined {
  return registry.find((entry) => entry.method === method);
}
