import { verifyClientSecret } from '../clients/secret.js';
import type { ClientRecord } from '../store/types.js';
import type { PresentedCredentials } from './method.js';

/**
 * The check of both shared-secret methods (client_secret_basic, client_secret_post): a constant-time
 * comparison of hashes that does the same work for an unknown client (C1, OIDC Core §16.12).
 */
export function verifySharedSecret(
  client: ClientRecord | undefined,
  credentials: PresentedCredentials,
): boolean {
  return verifyClientSecret(client?.secretHash ?? null, credentials.secret ?? '');
}
