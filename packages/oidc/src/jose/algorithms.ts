/**
 * The algorithm table: the single source of truth for every JWS algorithm Latchkey knows.
 * Sign, verify, JWK import, key generation and the provider's discovery document all read it.
 * RFC 7518 §3.1 (names), §3.2 (HMAC key size), §3.3 / §3.5 (RSA ≥ 2048 bits), §3.4 (ECDSA r‖s);
 * RFC 8037 §3.1 (EdDSA); RFC 8725 §3.5 (key strength).
 */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'HS256'
  | 'HS384'
  | 'HS512';

export type KeyType = 'RSA' | 'EC' | 'OKP' | 'oct';
export type Curve = 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
export type HashName = 'sha256' | 'sha384' | 'sha512';
export type AlgorithmFamily = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'eddsa' | 'hmac';

export interface AlgorithmSpec {
  readonly alg: JwsAlgorithm;
  readonly family: AlgorithmFamily;
  readonly kty: KeyType;
  /** The only curve allowed (EC, OKP). */
  readonly crv?: Curve;
  /** Node's curve name for `crv` (asymmetricKeyDetails.namedCurve). */
  readonly nodeCurve?: string;
  /** Digest passed to crypto.sign/verify/createHmac; `null` for EdDSA (the curve fixes the hash). */
  readonly digest: HashName | null;
  /** Hash used for at_hash / c_hash / s_hash (OIDC Core §3.1.3.6; SHA-512 for Ed25519). */
  readonly claimHash: HashName;
  /** Exact signature length in bytes where fixed by the algorithm (ECDSA raw r‖s, Ed25519, HMAC). RSA: the modulus length. */
  readonly signatureLength?: number;
  /** Minimum key size in bits: RSA modulus, HMAC secret. */
  readonly minKeyBits?: number;
  /** PSS salt length in bytes (equal to the hash length, RFC 7518 §3.5). */
  readonly pssSaltLength?: number;
  /** Whether the algorithm uses an asymmetric key pair. */
  readonly asymmetric: boolean;
}

const rsa = (alg: JwsAlgorithm, family: 'rsa-pkcs1' | 'rsa-pss', hash: HashName): AlgorithmSpec => ({
  alg,
  family,
  kty: 'RSA',
  digest: hash,
  claimHash: hash,
  minKeyBits: 2048,
  ...(family === 'rsa-pss' ? { pssSaltLength: hashLength(hash) } : {}),
  asymmetric: true,
});

const ec = (
  alg: JwsAlgorithm,
  crv: Curve,
  nodeCurve: string,
  hash: HashName,
  sigLen: number,
): AlgorithmSpec => ({
  alg,
  family: 'ecdsa',
  kty: 'EC',
  crv,
  nodeCurve,
  digest: hash,
  claimHash: hash,
  signatureLength: sigLen,
  asymmetric: true,
});

const hmac = (alg: JwsAlgorithm, hash: HashName): AlgorithmSpec => ({
  alg,
  family: 'hmac',
  kty: 'oct',
  digest: hash,
  claimHash: hash,
  signatureLength: hashLength(hash),
  minKeyBits: hashLength(hash) * 8,
  asymmetric: false,
});

function hashLength(hash: HashName): number {
  return hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64;
}

export const ALGORITHMS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = Object.freeze({
  RS256: rsa('RS256', 'rsa-pkcs1', 'sha256'),
  RS384: rsa('RS384', 'rsa-pkcs1', 'sha384'),
  RS512: rsa('RS512', 'rsa-pkcs1', 'sha512'),
  PS256: rsa('PS256', 'rsa-pss', 'sha256'),
  PS384: rsa('PS384', 'rsa-pss', 'sha384'),
  PS512: rsa('PS512', 'rsa-pss', 'sha512'),
  ES256: ec('ES256', 'P-256', 'prime256v1', 'sha256', 64),
  ES384: ec('ES384', 'P-384', 'secp384r1', 'sha384', 96),
  ES512: ec('ES512', 'P-521', 'secp521r1', 'sha512', 132),
  EdDSA: {
    alg: 'EdDSA',
    family: 'eddsa',
    kty: 'OKP',
    crv: 'Ed25519',
    nodeCurve: 'ed25519',
    digest: null,
    claimHash: 'sha512',
    signatureLength: 64,
    asymmetric: true,
  },
  HS256: hmac('HS256', 'sha256'),
  HS384: hmac('HS384', 'sha384'),
  HS512: hmac('HS512', 'sha512'),
});

/** Every algorithm name, in table order. */
export const ALGORITHM_NAMES: readonly JwsAlgorithm[] = Object.freeze(
  Object.keys(ALGORITHMS) as JwsAlgorithm[],
);

/** The asymmetric algorithms: what a provider may publish in a JWKS and advertise in discovery. */
export const ASYMMETRIC_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(
  ALGORITHM_NAMES.filter((a) => ALGORITHMS[a].asymmetric),
);

/** Type guard: is `value` an algorithm name from the table? (`none` never is.) */
export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}
