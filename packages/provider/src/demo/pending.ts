import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import type { PendingAuthorization } from '@latchkey/oidc';

/**
 * The demo's state between "Try a sign-in" and the callback (state, nonce, PKCE verifier), kept where
 * a relying party keeps it: bound to the browser, here in a cookie sealed with AES-256-GCM under a key
 * of its own derived from LATCHKEY_SECRET (HKDF info below), so nothing is stored and nothing is
 * readable or forgeable by the page's viewer.
 */
const HKDF_INFO = 'latchkey demo pending authorization v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Long enough to sign in and read the consent page. */
export const PENDING_LIFETIME = 10 * 60;
/** readCookie accepts at most 512 base64url characters. */
const MAX_SEALED_LENGTH = 512;

interface SealedPending extends PendingAuthorization {
  readonly expiresAt: number;
}

export interface PendingSealer {
  seal(pending: PendingAuthorization, now: number): string;
  /** The pending authorization, or undefined when absent, forged, malformed or expired. */
  open(sealed: string | undefined, now: number): PendingAuthorization | undefined;
}

export function createPendingSealer(secret: Uint8Array, random: (n: number) => Buffer): PendingSealer {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  return {
    seal(pending, now) {
      const body: SealedPending = {
        state: pending.state,
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
        expiresAt: now + PENDING_LIFETIME,
      };
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const text = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, text, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed, now) {
      if (sealed === undefined || sealed.length > MAX_SEALED_LENGTH) return undefined;
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      let body: SealedPending;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const text = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
        body = JSON.parse(text.toString('utf8')) as SealedPending;
      } catch {
        return undefined;
      }
      if (typeof body.expiresAt !== 'number' || body.expiresAt <= now) return undefined;
      return { state: body.state, nonce: body.nonce, codeVerifier: body.codeVerifier };
    },
  };
}
