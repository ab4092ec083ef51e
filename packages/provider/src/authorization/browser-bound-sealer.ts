import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bounds what open() will even try to decrypt (rule 9). */
const MAX_SEALED_LENGTH = 16_384;

/** A value that travels sealed through a browser: bound to it and short-lived. */
export interface BrowserBound {
  readonly expiresAt: number;
  /** BrowserBinding.fingerprint of the browser it was made for. */
  readonly browser: string;
}

export interface BrowserBoundSealer<T extends BrowserBound> {
  seal(value: T): string;
  /** The value, or undefined when it is malformed, forged, expired, or from another browser. */
  open(sealed: string | undefined, browser: string | undefined, now: number): T | undefined;
}

/**
 * AES-256-GCM under a key derived from LATCHKEY_SECRET with HKDF-SHA256 for one `purpose`, so a value
 * sealed for one use (a pending authorization request, an account sign-in half done) never opens as
 * another. Any instance sharing the secret opens it: no table, no write per page view.
 */
export function createBrowserBoundSealer<T extends BrowserBound>(
  secret: Uint8Array,
  random: (n: number) => Buffer,
  purpose: string,
): BrowserBoundSealer<T> {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `latchkey ${purpose} v1`, 32));
  const aad = Buffer.from(`latchkey-${purpose}-v1`);
  return {
    seal(value) {
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed, browser, now) {
      if (sealed === undefined || sealed.length > MAX_SEALED_LENGTH || !/^[A-Za-z0-9_-]+$/.test(sealed)) {
        return undefined;
      }
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      let value: T;
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
        value = JSON.parse(plain.toString('utf8')) as T;
      } catch {
        return undefined;
      }
      if (now >= value.expiresAt || browser === undefined || value.browser !== browser) return undefined;
      return value;
    },
  };
}
