import { createHash } from 'node:crypto';
import { ALGORITHMS, type JwsAlgorithm } from '../jose/algorithms.js';

/**
 * `at_hash` / `c_hash` (OIDC Core §3.1.3.6, §3.3.2.11): hash the ASCII value with the hash of the
 * ID token's `alg` (SHA-512 for EdDSA with Ed25519, from the algorithm table), keep the left half,
 * base64url-encode it.
 */
export function tokenHash(value: string, alg: JwsAlgorithm): string {
  const digest = createHash(ALGORITHMS[alg].claimHash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
