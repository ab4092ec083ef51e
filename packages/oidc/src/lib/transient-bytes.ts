import { isUtf8 } from 'node:buffer';

/**
 * Short-lived bytes written into one reused buffer instead of a fresh Buffer each time: the
 * signing input of a token (read synchronously by crypto.sign/verify and HMAC, never kept), the
 * UTF-8 of a claims set on its way to base64url, and the decoded parts of a token on their way to
 * crypto and text. Fresh Buffers come from Node's 8 KiB pool, and a new pool every few tokens
 * shows up as allocation and GC time on the hot paths.
 *
 * A view returned here is valid only until the next call: use it at once, never across an await.
 * Code that must hold a view a little longer compares `transientEpoch()` with the epoch it got the
 * view in: every write here starts a new epoch.
 */
const KEPT_SIZE = 64 * 1024;
const scratch = Buffer.allocUnsafeSlow(KEPT_SIZE);
let epoch = 0;

/** A buffer of at least `size` bytes, whose content is valid until the epoch changes. */
export function borrowTransient(size: number): Buffer {
  epoch++;
  // Larger than any token we accept by default: a one-off buffer, not kept.
  return size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
}

/** Changes whenever a borrowed buffer may have been overwritten. */
export function transientEpoch(): number {
  return epoch;
}

/** A plain Uint8Array view: cheaper to make than a Buffer subarray, and all crypto needs. */
export function viewOf(bytes: Buffer, start: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, length);
}

/** The first `length` characters of `text` (all ASCII, checked by the caller) as bytes. */
export function transientAsciiBytes(text: string, length: number = text.length): Uint8Array {
  const bytes = borrowTransient(length);
  bytes.write(text, 0, length, 'latin1');
  return viewOf(bytes, 0, length);
}

/** The bytes of `first` '.' `second` (both ASCII): a JWS signing input, without joining the strings. */
export function transientJoinedAsciiBytes(first: string, second: string): Uint8Array {
  const length = first.length + 1 + second.length;
  const bytes = borrowTransient(length);
  bytes.write(first, 0, first.length, 'latin1');
  bytes[first.length] = 0x2e;
  bytes.write(second, first.length + 1, second.length, 'latin1');
  return viewOf(bytes, 0, length);
}

/** base64url (RFC 7515 §2) of the UTF-8 bytes of `text`. */
export function utf8ToBase64url(text: string): string {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4).
  const bytes = borrowTransient(text.length * 3);
  const length = bytes.write(text, 0, 'utf8');
  return bytes.toString('base64url', 0, length);
}

/**
 * `bytes[start, start + length)` as text, or false when they are not valid UTF-8 (RFC 8725 §3.7:
 * never a lossy decode). One decode in the usual case: Node replaces invalid sequences with U+FFFD,
 * so only a text holding U+FFFD needs the strict check.
 */
export function utf8TextOf(bytes: Buffer, start: number, length: number): string | false {
  const text = bytes.toString('utf8', start, start + length);
  if (text.indexOf('\uFFFD') !== -1 && !isUtf8(viewOf(bytes, start, length))) return false;
  return text;
}
