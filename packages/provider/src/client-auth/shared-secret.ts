import { presentedSecretDigest, secretDigestMatches } from '../clients/secret.js';
import type { ClientRecord } from '../store/types.js';
import type { PresentedCredentials } from './method.js';

/**
 * The check of both shared-secret methods (client_secret_basic, client_secret_post): constant-time
 * comparisons of hashes that do the same work for an unknown client (C1, OIDC Core §16.12). During a
 * rotation's overlap the previous secret is accepted too; both comparisons always run (against a
 * dummy when there is no previous secret), so timing does not tell which secret matched, or whether
 * a client is mid-rotation. An expired previous secret never reaches here (clients/endpoint-view.ts).
 * The presented secret is hashed once for both comparisons.
 */
export function verifySharedSecret(
  client: ClientRecord | undefined,
  credentials: PresentedCredentials,
): boolean {
  const digest = presentedSecretDigest(credentials.secret ?? '');
  const current = secretDigestMatches(client?.secretHash ?? null, digest);
  const previous = secretDigestMatches(client?.previousSecret?.hash ?? null, digest);
  return current || previous;
}
