import { createHash } from 'node:crypto';
import { ALGORITHMS, type JwsAlgorithm } from '@latchkey/oidc';

/**
 * `at_hash` / `c_hash` (OIDC Core §3.1.3.6, §3.3.2.11): the left-most half of the hash of the ASCII
 * octets of the token, base64url, where the hash is the one of the ID token's `alg` — SHA-512 for
 * EdDSA with Ed25519 (checklist J22). The table in @latchkey/oidc says which, so nothing here guesses.
 */
export function tokenHash(token: string, alg: JwsAlgorithm): string {
  const digest = createHash(ALGORITHMS[alg].claimHash).update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
