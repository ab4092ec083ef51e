import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { isJsonObject } from '../../lib/is-object.js';
import { createJoseKey } from '../../lib/jose-key.js';
import { MAX_RSA_MODULUS_BITS } from '../../lib/key-checks.js';
import { ALGORITHMS, isJwsAlgorithm, type JwsAlgorithm } from '../algorithms.js';
import { decodeBase64url } from '../base64url.js';
import { JoseError } from '../errors.js';
import type { JoseKey } from '../types.js';

export interface ImportJwkOptions {
  /** The algorithm to bind the key to; must agree with the JWK's own `alg` when both are present. */
  alg?: JwsAlgorithm;
  /** The key id; must agree with the JWK's own `kid` when both are present. */
  kid?: string;
}

const STRING_MEMBERS = [
  'kty',
  'kid',
  'alg',
  'use',
  'crv',
  'x',
  'y',
  'd',
  'n',
  'e',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'k',
];

/** RFC 7518 §6 / RFC 8037 §2: the members that carry key material, per key type. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
  RSA: ['n', 'e'],
  oct: ['k'],
};
const PRIVATE_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['d'],
  OKP: ['d'],
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
  oct: [],
};
const BASE64URL_MEMBERS = new Set(['x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'k']);

/** Where a JWK without `alg` still names its algorithm: the curve (RFC 7518 §3.4, RFC 8037 §3.1). */
const ALG_BY_CURVE: Readonly<Record<string, JwsAlgorithm>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  Ed25519: 'EdDSA',
};

/**
 * Imports a JWK (RFC 7517) as a key bound to one algorithm. Member types are checked first;
 * errors name the member, never its value. Unknown members are ignored; `jwk.alg`, `use` and
 * `key_ops` must agree with a signature use. The key is private when `d` is present.
 */
export function importJwk(jwk: unknown, options?: ImportJwkOptions): JoseKey {
  if (!isJsonObject(jwk)) throw jwkError('the JWK is not an object');
  checkMemberTypes(jwk);
  if (options?.alg !== undefined && !isJwsAlgorithm(options.alg)) {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'options.alg is not a supported algorithm');
  }
  if (options?.kid !== undefined && typeof options.kid !== 'string') {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'options.kid must be a string');
  }
  const kty = jwk.kty as string;
  const publicMembers = PUBLIC_MEMBERS[kty];
  if (publicMembers === undefined || !Object.hasOwn(PUBLIC_MEMBERS, kty)) throw jwkError('unsupported kty');

  const alg = chooseAlgorithm(jwk, kty, options?.alg);
  const spec = ALGORITHMS[alg];
  // RFC 8725 §3.1: key type and curve must be the ones the algorithm names (J2, J3).
  if (spec.kty !== kty) throw keyError(`${alg} cannot use a ${kty} key`);
  if (spec.crv !== undefined && jwk.crv !== spec.crv) throw keyError(`${alg} needs the ${spec.crv} curve`);

  const isPrivate = kty === 'oct' || jwk.d !== undefined;
  checkIntendedUse(jwk, kty === 'oct' ? 'secret' : isPrivate ? 'private' : 'public');

  const kid = options?.kid ?? (jwk.kid as string | undefined);
  if (options?.kid !== undefined && jwk.kid !== undefined && jwk.kid !== options.kid) {
    throw jwkError('kid differs from the requested kid');
  }

  const members = isPrivate ? [...publicMembers, ...PRIVATE_MEMBERS[kty]!] : publicMembers;
  const material: Record<string, string> = { kty };
  for (const name of members) {
    const value = jwk[name];
    if (value === undefined) throw jwkError(`member ${name} is missing`);
    material[name] = value as string;
  }
  // J13: refuse a huge modulus before OpenSSL parses it (exact bounds are checked after import).
  if (kty === 'RSA' && (material.n!.length * 6) / 8 > MAX_RSA_MODULUS_BITS / 8 + 1) {
    throw keyError(`RSA moduli above ${MAX_RSA_MODULUS_BITS} bits are refused`);
  }
  return createJoseKey(toKeyObject(material, kty, isPrivate), alg, kid);
}

/**
 * Binds a Node KeyObject to `alg`. A private key is re-imported from PKCS#8 first: on Node 20,
 * exporting a JWK from a just-generated RSA KeyObject can deadlock.
 */
export function importKeyObject(
  keyObject: KeyObject,
  alg: JwsAlgorithm,
  options?: { kid?: string },
): JoseKey {
  if (!(keyObject instanceof KeyObject))
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'a KeyObject is required');
  if (!isJwsAlgorithm(alg))
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'alg is not a supported algorithm');
  if (options?.kid !== undefined && typeof options.kid !== 'string') {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'options.kid must be a string');
  }
  const safe =
    keyObject.type === 'private'
      ? createPrivateKey(keyObject.export({ format: 'pem', type: 'pkcs8' }) as string)
      : keyObject;
  return createJoseKey(safe, alg, options?.kid);
}

function checkMemberTypes(jwk: Record<string, unknown>): void {
  if (typeof jwk.kty !== 'string') throw jwkError('member kty must be a string');
  for (const name of STRING_MEMBERS) {
    const value = jwk[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw jwkError(`member ${name} must be a string`);
    if (BASE64URL_MEMBERS.has(name)) decodeBase64urlMember(value, name);
  }
  const keyOps = jwk.key_ops;
  if (keyOps !== undefined && (!Array.isArray(keyOps) || !keyOps.every((op) => typeof op === 'string'))) {
    throw jwkError('member key_ops must be an array of strings');
  }
  // RFC 7518 §6.3.2.7: multi-prime RSA keys are not supported by Node's JWK import.
  if (jwk.oth !== undefined) throw jwkError('member oth (multi-prime RSA) is not supported');
}

function decodeBase64urlMember(value: string, name: string): void {
  try {
    decodeBase64url(value, 'ERR_JWK_INVALID');
  } catch {
    throw jwkError(`member ${name} is not canonical base64url`);
  }
}

function chooseAlgorithm(
  jwk: Record<string, unknown>,
  kty: string,
  requested: JwsAlgorithm | undefined,
): JwsAlgorithm {
  const own = jwk.alg;
  if (own !== undefined) {
    if (!isJwsAlgorithm(own)) throw jwkError('member alg names no supported signature algorithm');
    if (requested !== undefined && requested !== own)
      throw jwkError('member alg differs from the requested algorithm');
    return own;
  }
  if (requested !== undefined) return requested;
  if (kty === 'EC' || kty === 'OKP') {
    const implied =
      typeof jwk.crv === 'string' && Object.hasOwn(ALG_BY_CURVE, jwk.crv) ? ALG_BY_CURVE[jwk.crv] : undefined;
    if (implied === undefined) throw keyError('unsupported curve');
    return implied;
  }
  // RSA serves RS* and PS*, oct serves HS256/384/512: the caller must say which (RFC 8725 §3.1).
  throw jwkError('member alg is required for this key type');
}

/** RFC 7517 §4.2–4.3: a key published for encryption, or without sign/verify, is not ours to use. */
function checkIntendedUse(jwk: Record<string, unknown>, type: 'public' | 'private' | 'secret'): void {
  if (jwk.use !== undefined && jwk.use !== 'sig') throw keyError('the JWK is not for signatures (use)');
  const ops = jwk.key_ops as string[] | undefined;
  if (ops === undefined) return;
  const allowed = type === 'public' ? ops.includes('verify') : ops.includes('sign') || ops.includes('verify');
  if (!allowed) throw keyError('the JWK key_ops do not allow signatures');
}

function toKeyObject(material: Record<string, string>, kty: string, isPrivate: boolean): KeyObject {
  try {
    if (kty === 'oct') return createSecretKey(Buffer.from(material.k!, 'base64url'));
    const input = { key: material, format: 'jwk' as const };
    return isPrivate ? createPrivateKey(input) : createPublicKey(input);
  } catch (cause) {
    throw new JoseError('ERR_JWK_INVALID', 'the JWK key material is invalid', { cause });
  }
}

function jwkError(message: string): JoseError {
  return new JoseError('ERR_JWK_INVALID', message);
}

function keyError(message: string): JoseError {
  return new JoseError('ERR_KEY_INVALID', message);
}
