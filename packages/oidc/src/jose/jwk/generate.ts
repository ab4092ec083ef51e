import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPair as generate,
  randomBytes,
} from 'node:crypto';
import { createJoseKey } from '../../lib/jose-key.js';
import { MAX_RSA_MODULUS_BITS } from '../../lib/key-checks.js';
import { ALGORITHMS, isJwsAlgorithm, type JwsAlgorithm } from '../algorithms.js';
import { JoseError } from '../errors.js';
import type { JoseKey, Jwk } from '../types.js';
import { jwkThumbprint } from './thumbprint.js';

export interface GenerateKeyPairOptions {
  /** Key id; default the RFC 7638 SHA-256 thumbprint of the public key. */
  kid?: string;
  /** RSA modulus length in bits (default 2048, at least 2048). */
  modulusLength?: number;
}

export interface GeneratedKeyPair {
  readonly privateKey: JoseKey;
  readonly publicKey: JoseKey;
}

const PEM = {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

/**
 * Generates a key pair for an asymmetric algorithm. Keys are generated as PEM and imported from it:
 * on Node 20, exporting a JWK from a KeyObject that generateKeyPair returned can deadlock.
 */
export async function generateKeyPair(
  alg: JwsAlgorithm,
  options?: GenerateKeyPairOptions,
): Promise<GeneratedKeyPair> {
  if (!isJwsAlgorithm(alg) || !ALGORITHMS[alg].asymmetric) {
    throw new JoseError(
      'ERR_JOSE_INVALID_ARGUMENT',
      'alg must be an asymmetric algorithm (use generateSecret for HS*)',
    );
  }
  checkKidOption(options?.kid);
  const spec = ALGORITHMS[alg];
  const { publicKey: publicPem, privateKey: privatePem } = await generatePem(
    spec.kty,
    spec.nodeCurve,
    options,
  );
  const publicObject = createPublicKey(publicPem);
  const kid = options?.kid ?? jwkThumbprint(publicObject.export({ format: 'jwk' }) as Jwk);
  return {
    privateKey: createJoseKey(createPrivateKey(privatePem), alg, kid),
    publicKey: createJoseKey(publicObject, alg, kid),
  };
}

/** Generates an HMAC secret as long as the hash output (RFC 7518 §3.2). */
export function generateSecret(alg: 'HS256' | 'HS384' | 'HS512', options?: { kid?: string }): JoseKey {
  if (!isJwsAlgorithm(alg) || ALGORITHMS[alg].family !== 'hmac') {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'alg must be HS256, HS384 or HS512');
  }
  checkKidOption(options?.kid);
  const secret = createSecretKey(randomBytes(ALGORITHMS[alg].minKeyBits! / 8));
  const kid = options?.kid ?? jwkThumbprint({ kty: 'oct', k: secret.export().toString('base64url') });
  return createJoseKey(secret, alg, kid);
}

function generatePem(
  kty: string,
  nodeCurve: string | undefined,
  options: GenerateKeyPairOptions | undefined,
): Promise<{ publicKey: string; privateKey: string }> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: string, privateKey: string) =>
      error ? reject(error) : resolve({ publicKey, privateKey });
    if (kty === 'RSA') {
      const modulusLength = options?.modulusLength ?? 2048;
      if (!Number.isInteger(modulusLength) || modulusLength < 2048 || modulusLength > MAX_RSA_MODULUS_BITS) {
        throw new JoseError(
          'ERR_JOSE_INVALID_ARGUMENT',
          `modulusLength must be an integer from 2048 to ${MAX_RSA_MODULUS_BITS}`,
        );
      }
      generate('rsa', { modulusLength, publicExponent: 0x10001, ...PEM }, done);
    } else if (kty === 'EC') {
      generate('ec', { namedCurve: nodeCurve!, ...PEM }, done);
    } else {
      generate('ed25519', PEM, done);
    }
  });
}

function checkKidOption(kid: unknown): void {
  if (kid !== undefined && typeof kid !== 'string') {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'options.kid must be a string');
  }
}
