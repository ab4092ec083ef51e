import { createSealedJson } from '../lib/sealed-json.js';

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
 * Sealed (lib/sealed-json.ts: AES-256-GCM under a key derived from LATCHKEY_SECRET for one `purpose`,
 * so a value sealed for one use — a pending authorization request, an account sign-in half done —
 * never opens as another), then checked: unexpired and opened in the browser it was made for. Any
 * instance sharing the secret opens it: no table, no write per page view.
 */
export function createBrowserBoundSealer<T extends BrowserBound>(
  secret: Uint8Array,
  random: (n: number) => Buffer,
  purpose: string,
): BrowserBoundSealer<T> {
  const box = createSealedJson<T>(
    secret,
    random,
    { info: `latchkey ${purpose} v1`, aad: `latchkey-${purpose}-v1` },
    MAX_SEALED_LENGTH,
  );
  return {
    seal: (value) => box.seal(value),
    open(sealed, browser, now) {
      const value = box.open(sealed);
      if (
        value === undefined ||
        now >= value.expiresAt ||
        browser === undefined ||
        value.browser !== browser
      ) {
        return undefined;
      }
      return value;
    },
  };
}
