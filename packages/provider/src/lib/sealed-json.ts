import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedJson<T> {
  /** AES-256-GCM of the JSON, base64url: `iv ‖ ciphertext ‖ tag`. */
  seal(value: T): string;
  /** The value, or undefined when malformed, too long, or not sealed by this key and purpose. */
  open(sealed: string | undefined): T | undefined;
}

/**
 * Values that travel through the browser sealed (AES-256-GCM under a key derived from LATCHKEY_SECRET
 * with HKDF-SHA256, one key per `purpose`, which is also the additional data): unreadable and
 * tamper-proof, opened by any instance sharing the secret. The caller checks expiry and binding.
 */
export function createSealedJson<T>(
  secret: Uint8Array,
  random: (n: number) => Buffer,
  /** The HKDF info (one key per purpose) and the additional data (AAD), which default to the same. */
  purpose: string | { readonly info: string; readonly aad: string },
  /** Bounds what open() will even try to decrypt (rule 9). */
  maxSealedLength: number,
): SealedJson<T> {
  const { info, aad: label } = typeof purpose === 'string' ? { info: purpose, aad: purpose } : purpose;
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  const aad = Buffer.from(label);
  return {
    seal(value) {
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed) {
      if (sealed === undefined || sealed.length > maxSealedLength || !/^[A-Za-z0-9_-]+$/.test(sealed)) {
        return undefined;
      }
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(aad);
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return JSON.parse(plain.toString('utf8')) as T;
      } catch {
        return undefined;
      }
    },
  };
}
