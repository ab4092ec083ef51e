import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/**
 * A small JSON value with an expiry, sealed for a cookie with AES-256-GCM under a key of its own
 * derived from LATCHKEY_SECRET (HKDF, one `info` per use), so nothing is stored server-side and the
 * browser can neither read nor forge it. The built-in relying parties (the demo, the console) keep
 * their pending sign-ins and the console its session this way.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** readCookie accepts at most 512 base64url characters. */
export const MAX_SEALED_LENGTH = 512;

export interface SealedBox<T extends object> {
  /** base64url, at most MAX_SEALED_LENGTH characters (throws when the value is too large: a bug). */
  seal(value: T, expiresAt: number): string;
  /** The value, or undefined when absent, forged, malformed, too long or expired at `now`. */
  open(sealed: string | undefined, now: number): T | undefined;
}

export function createSealedBox<T extends object>(
  secret: Uint8Array,
  info: string,
  random: (n: number) => Buffer,
): SealedBox<T> {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  return {
    seal(value, expiresAt) {
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const text = Buffer.concat([
        cipher.update(JSON.stringify({ value, expiresAt }), 'utf8'),
        cipher.final(),
      ]);
      const sealed = Buffer.concat([iv, text, cipher.getAuthTag()]).toString('base64url');
      if (sealed.length > MAX_SEALED_LENGTH) throw new Error(`sealed ${info} value exceeds a cookie's size`);
      return sealed;
    },
    open(sealed, now) {
      if (sealed === undefined || sealed.length > MAX_SEALED_LENGTH) return undefined;
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      let body: { value?: unknown; expiresAt?: unknown };
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const text = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
        body = JSON.parse(text.toString('utf8')) as typeof body;
      } catch {
        return undefined;
      }
      if (typeof body.expiresAt !== 'number' || body.expiresAt <= now) return undefined;
      if (body.value === null || typeof body.value !== 'object') return undefined;
      return body.value as T;
    },
  };
}
