import type { KeyObject } from 'node:crypto';
import type { AlgorithmSpec } from '../jose/algorithms.js';
import { JoseError } from '../jose/errors.js';

/** Larger RSA moduli make every verification slow: refuse them (checklist J13). */
export const MAX_RSA_MODULUS_BITS = 16384;
/** OpenSSL refuses public exponents above 64 bits for large moduli; we refuse them for all (J13). */
const MAX_RSA_EXPONENT_BITS = 64n;

/**
 * Checks that `keyObject` can serve `spec` and nothing else (RFC 8725 §3.1, checklist J2/J3/J24):
 * HMAC only with secret keys, asymmetric algorithms only with a key of their type and curve, and
 * keys at least as strong as the table says. The one check every key passes before it becomes a JoseKey.
 */
export function checkKeyForAlgorithm(keyObject: KeyObject, spec: AlgorithmSpec): void {
  if (spec.kty === 'oct') {
    if (keyObject.type !== 'secret') throw keyError(`${spec.alg} needs a secret (oct) key`);
    // RFC 7518 §3.2: a key of the same size as the hash output or larger.
    if ((keyObject.symmetricKeySize ?? 0) * 8 < spec.minKeyBits!) {
      throw keyError(`${spec.alg} needs a secret of at least ${spec.minKeyBits! / 8} bytes`);
    }
    return;
  }
  if (keyObject.type === 'secret') throw keyError(`${spec.alg} needs an asymmetric key`);
  const type = keyObject.asymmetricKeyType;
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (spec.kty) {
    case 'RSA': {
      if (type !== 'rsa') throw keyError(`${spec.alg} needs an RSA key`);
      const bits = details.modulusLength ?? 0;
      // RFC 7518 §3.3, §3.5: 2048 bits or larger.
      if (bits < spec.minKeyBits!)
        throw keyError(`${spec.alg} needs an RSA modulus of at least ${spec.minKeyBits} bits`);
      if (bits > MAX_RSA_MODULUS_BITS)
        throw keyError(`RSA moduli above ${MAX_RSA_MODULUS_BITS} bits are refused`);
      const e = details.publicExponent ?? 0n;
      if (e < 3n || (e & 1n) === 0n || e >> MAX_RSA_EXPONENT_BITS !== 0n)
        throw keyError('unusable RSA public exponent');
      return;
    }
    case 'EC':
      if (type !== 'ec' || details.namedCurve !== spec.nodeCurve)
        throw keyError(`${spec.alg} needs an EC ${spec.crv} key`);
      return;
    case 'OKP':
      if (type !== spec.nodeCurve) throw keyError(`${spec.alg} needs an ${spec.crv} key`);
      return;
  }
}

function keyError(message: string): JoseError {
  return new JoseError('ERR_KEY_INVALID', message);
}
