import {
  constants,
  createHmac,
  createPublicKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  type VerifyKeyObjectInput,
  verify,
} from 'node:crypto';
import { ALGORITHMS, type AlgorithmSpec, type JwsAlgorithm } from '../jose/algorithms.js';
import { JoseError } from '../jose/errors.js';
import type { JoseKey } from '../jose/types.js';
import { checkKeyForAlgorithm } from './key-checks.js';

/**
 * The crypto step of JWS, on bytes: what verifySignature and signJws call once the token is parsed.
 * Everything crypto.sign/verify needs is computed once per key and kept in a WeakMap, so the hot
 * path allocates nothing of its own.
 */
export interface SignatureParams {
  readonly alg: JwsAlgorithm;
  readonly spec: AlgorithmSpec;
  /** The exact signature length in bytes (RFC 7518 §3.2–3.5, RFC 8037 §3.1). */
  readonly length: number;
  /** First argument of crypto.sign/verify: the digest, or null for EdDSA. */
  readonly digest: string | null;
  /** HMAC: the secret. */
  readonly secret: KeyObject | undefined;
  /** Asymmetric: the options object for crypto.verify (public key, encoding, padding, salt). */
  readonly verifyInput: VerifyKeyObjectInput | undefined;
  /** Asymmetric private keys: the options object for crypto.sign. */
  readonly signInput: VerifyKeyObjectInput | undefined;
}

const paramsByKey = new WeakMap<JoseKey, SignatureParams>();

/**
 * The parameters for `key`. A key made by this library has them already; a JoseKey built by hand
 * passes the same checks as an imported one the first time it is used.
 */
export function signatureParams(key: JoseKey): SignatureParams {
  const cached = paramsByKey.get(key);
  if (cached !== undefined) return cached;
  const params = computeParams(key);
  paramsByKey.set(key, params);
  return params;
}

function computeParams(key: JoseKey): SignatureParams {
  if (typeof key !== 'object' || key === null || !Object.hasOwn(ALGORITHMS, key.alg)) {
    throw new JoseError('ERR_KEY_INVALID', 'not a JoseKey');
  }
  const spec = ALGORITHMS[key.alg];
  const keyObject = key.keyObject;
  checkKeyForAlgorithm(keyObject, spec);
  if (spec.family === 'hmac') {
    return {
      alg: spec.alg,
      spec,
      length: spec.signatureLength!,
      digest: spec.digest,
      secret: keyObject,
      verifyInput: undefined,
      signInput: undefined,
    };
  }
  const publicKey = keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject;
  const options = cryptoOptions(spec);
  const length =
    spec.kty === 'RSA'
      ? Math.ceil(publicKey.asymmetricKeyDetails!.modulusLength! / 8)
      : spec.signatureLength!;
  return {
    alg: spec.alg,
    spec,
    length,
    digest: spec.digest,
    secret: undefined,
    verifyInput: { key: publicKey, ...options },
    signInput: keyObject.type === 'private' ? { key: keyObject, ...options } : undefined,
  };
}

function cryptoOptions(spec: AlgorithmSpec): Omit<VerifyKeyObjectInput, 'key'> {
  switch (spec.family) {
    // RFC 7518 §3.4: JWS carries ECDSA signatures as raw r‖s, never DER (checklist J7).
    case 'ecdsa':
      return { dsaEncoding: 'ieee-p1363' };
    case 'rsa-pkcs1':
      return { padding: constants.RSA_PKCS1_PADDING };
    // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output.
    case 'rsa-pss':
      return { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.pssSaltLength! };
    default:
      return {};
  }
}

/** Whether `signature` is a valid signature of `data` by `key`. Wrong length is simply false. */
export function verifyBytes(key: JoseKey, data: Uint8Array, signature: Uint8Array): boolean {
  return verifyWithParams(signatureParams(key), data, signature);
}

/** verifyBytes for a caller that already looked the parameters up. */
export function verifyWithParams(params: SignatureParams, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== params.length) return false;
  if (params.secret !== undefined) {
    const expected = createHmac(params.digest!, params.secret).update(data).digest();
    return timingSafeEqual(expected, signature);
  }
  try {
    return verify(params.digest, data, params.verifyInput!, signature);
  } catch {
    // OpenSSL may throw on a malformed signature instead of returning false.
    return false;
  }
}

/** Signs `data` with a private or secret `key`. */
export function signBytes(key: JoseKey, data: Uint8Array): Buffer {
  const params = signatureParams(key);
  if (params.secret !== undefined) return createHmac(params.digest!, params.secret).update(data).digest();
  if (params.signInput === undefined) throw new JoseError('ERR_KEY_INVALID', 'signing needs a private key');
  return sign(params.digest, data, params.signInput);
}

/** Registers parameters for a key this library just built and checked (skips the lookup miss). */
export function registerKey(key: JoseKey): void {
  paramsByKey.set(key, computeParams(key));
}
