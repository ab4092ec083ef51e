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
  if (secret.length < 32) throw new TypeError('The sealing secret must be at least 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  return {
    seal(plaintext, binding) {
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(binding));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, ciphertext, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, binding) {
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
        decipher.setAAD(aad(binding));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SealingError(
          `Cannot decrypt signing key ${binding.kid}: LATCHKEY_SECRET differs from the one it was sealed with, or the row was altered`,
        );
      }
    },
  };
}

/** JSON-encoded, so no (kid, alg) pair can collide with another. */
function aad(binding: SealedKeyBinding): Buffer {
  return Buffer.from(JSON.stringify(['latchkey-signing-key', binding.kid, binding.alg]), 'utf8');
}
