import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { secureRandomBytes } from '../lib/random.js';

/**
 * Private signing keys at rest: AES-256-GCM (DESIGN rule 6) under a key derived from LATCHKEY_SECRET
 * with HKDF-SHA256 (RFC 5869), so the raw secret is never used directly as a cipher key and other
 * uses of the secret get independent keys. The key's kid and alg are the additional authenticated
 * data: a ciphertext copied onto another row fails to open.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each base64url; the IV is 96 random bits (NIST SP 800-38D §8.2.2).
 */
const VERSION = 'v1';
const HKDF_INFO = 'latchkey signing-key sealing v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedKeyBinding {
  readonly kid: string;
  readonly alg: string;
}

export interface Sealer {
  seal(plaintext: string, binding: SealedKeyBinding): string;
  /** Throws SealingError when the secret is wrong or the value or its binding was changed. */
  open(sealed: string, binding: SealedKeyBinding): string;
}

export class SealingError extends Error {
  override readonly name = 'SealingError';
  readonly code = 'ERR_KEY_UNSEALABLE';
}

export function createSealer(secret: Uint8Array, random: (n: number) => Buffer = secureRandomBytes): Sealer {
  const sealer = createPurposeSealer(secret, HKDF_INFO, random);
  return {
    seal: (plaintext, binding) => sealer.seal(plaintext, aad(binding)),
    open: (sealed, binding) =>
      sealer.open(
        sealed,
        aad(binding),
        `Cannot decrypt signing key ${binding.kid}: LATCHKEY_SECRET differs from the one it was sealed with, or the row was altered`,
      ),
  };
}

/** The factor seeds' key (F3): its own HKDF info, so it is independent of the signing keys' one. */
const FACTOR_HKDF_INFO = 'latchkey factor-secret sealing v1';

/** Seals a factor's secret (a TOTP seed) bound to its user and kind: a value moved to another row fails to open. */
export interface FactorSecretSealer {
  seal(plaintext: string, binding: { readonly userId: string; readonly factor: string }): string;
  /** Throws SealingError when the secret is wrong or the value or its binding was changed. */
  open(sealed: string, binding: { readonly userId: string; readonly factor: string }): string;
}

export function createFactorSecretSealer(
  secret: Uint8Array,
  random: (n: number) => Buffer = secureRandomBytes,
): FactorSecretSealer {
  const sealer = createPurposeSealer(secret, FACTOR_HKDF_INFO, random);
  const bound = (b: { readonly userId: string; readonly factor: string }) =>
    Buffer.from(JSON.stringify(['latchkey-factor-secret', b.userId, b.factor]), 'utf8');
  return {
    seal: (plaintext, binding) => sealer.seal(plaintext, bound(binding)),
    open: (sealed, binding) =>
      sealer.open(sealed, bound(binding), `Cannot decrypt the ${binding.factor} secret of a user`),
  };
}

/** AES-256-GCM under the HKDF-SHA256 key of one purpose (`info`), with caller-given AAD. */
function createPurposeSealer(secret: Uint8Array, info: string, random: (n: number) => Buffer) {
  if (secret.length < 32) throw new TypeError('The sealing secret must be at least 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  return {
    seal(plaintext: string, additionalData: Buffer): string {
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, ciphertext, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed: string, additionalData: Buffer, failure: string): string {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION)
        throw new SealingError('Not a sealed key (unknown format)');
      const [iv, ciphertext, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [
        Buffer,
        Buffer,
        Buffer,
      ];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
        throw new SealingError('Not a sealed key (bad lengths)');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SealingError(failure);
      }
    },
  };
}

/** JSON-encoded, so no (kid, alg) pair can collide with another. */
function aad(binding: SealedKeyBinding): Buffer {
  return Buffer.from(JSON.stringify(['latchkey-signing-key', binding.kid, binding.alg]), 'utf8');
}
