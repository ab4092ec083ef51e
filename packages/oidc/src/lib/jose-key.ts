import type { KeyObject } from 'node:crypto';
import { ALGORITHMS, type JwsAlgorithm } from '../jose/algorithms.js';
import type { JoseKey } from '../jose/types.js';
import { registerKey } from './signature.js';

/**
 * Binds `keyObject` to `alg` (RFC 8725 §3.1): checks it fits the algorithm table, precomputes its
 * crypto parameters, and returns a frozen JoseKey. Import, generation and key sets all end here.
 */
export function createJoseKey(keyObject: KeyObject, alg: JwsAlgorithm, kid: string | undefined): JoseKey {
  const key: JoseKey = Object.freeze({
    alg,
    spec: ALGORITHMS[alg],
    kid,
    use: 'sig' as const,
    type: keyObject.type,
    keyObject,
  });
  registerKey(key);
  return key;
}
