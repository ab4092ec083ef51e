import type { KeyObject } from 'node:crypto';
import { signatureParams } from '../../lib/signature.js';
import { JoseError } from '../errors.js';
import type { JoseKey, Jwk } from '../types.js';

export interface ExportJwkOptions {
  /** Include private members (`d`, …, or an `oct` key's `k`). Default false: public members only. */
  includePrivate?: boolean;
}

/**
 * Exports a key as a JWK (RFC 7517) with `kid`, `alg` and `use: "sig"`. By default only public
 * members, even from a private key; a secret (`oct`) key only with `includePrivate`.
 */
export function exportJwk(key: JoseKey, options?: ExportJwkOptions): Jwk {
  const includePrivate = options?.includePrivate === true;
  const params = signatureParams(key);
  let material: Jwk;
  if (key.type === 'secret') {
    if (!includePrivate)
      throw new JoseError('ERR_KEY_INVALID', 'a secret key is exported only with includePrivate');
    material = { kty: 'oct', k: key.keyObject.export().toString('base64url') };
  } else {
    const source = includePrivate ? key.keyObject : (params.verifyInput!.key as KeyObject);
    material = source.export({ format: 'jwk' }) as Jwk;
  }
  const jwk: Jwk = { ...material };
  if (key.kid !== undefined) jwk.kid = key.kid;
  jwk.alg = key.alg;
  jwk.use = 'sig';
  return jwk;
}
