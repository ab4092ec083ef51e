import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Short-lived bytes written into one reused buffer instead of a fresh Buffer each time: the
 * signing input of a token (read synchronously by crypto.sign/verify and HMAC, never kept), the
 * UTF-8 of a claims set on its way to base64url, and the decoded payload of a token on its way to
 * text. Fresh Buffers come from Node's 8 KiB pool, and a
 * new pool every few tokens shows up as allocation and GC time on the hot paths.
 *
 * A view returned here is valid only until the next call: use it at once, never across an await.
 */
const KEPT_SIZE = 64 * 1024;
const scratch = Buffer.allocUnsafeSlow(KEPT_SIZE);

function scratchOf(size: number): Buffer {
  // Larger than any token we accept by default: a one-off buffer, not kept.
  return size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
}

/** The first `length` characters of `text` (all ASCII, checked by the caller) as bytes. */
export function transientAsciiBytes(text: string, length: number = text.length): Uint8Array {
  const bytes = scratchOf(length);
  bytes.write(text, 0, length, 'latin1');
  // A plain Uint8Array view: cheaper to make than a Buffer subarray, and all crypto needs.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

/** The bytes of `first` '.' `second` (both ASCII): a JWS signing input, without joining the strings. */
export function transientJoinedAsciiBytes(first: string, second: string): Uint8Array {
  const length = first.length + 1 + second.length;
  const bytes = scratchOf(length);
  bytes.write(first, 0, first.length, 'latin1');
  bytes[first.length] = 0x2e;
  bytes.write(second, first.length + 1, second.length, 'latin1');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

/** base64url (RFC 7515 §2) of the UTF-8 bytes of `text`. */
export function utf8ToBase64url(text: string): string {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4).
  const bytes = scratchOf(text.length * 3);
  const length = bytes.write(text, 0, 'utf8');
  return bytes.toString('base64url', 0, length);
}

/**
 * Decodes a base64url segment to text without keeping the bytes. Returns undefined when `segment`
 * is not canonical base64url (RFC 7515 §2: it must be exactly what encoding its bytes gives back,
 * see decodeCanonicalBase64url), and false when the bytes are not valid UTF-8 (RFC 8725 §3.7: never
 * a lossy decode). ASCII, the usual JWT payload, takes the cheaper Latin-1 conversion.
 */
export function base64urlToText(segment: string): string | false | undefined {
  // base64url never decodes to more bytes than it has characters.
  const bytes = scratchOf(segment.length);
  const length = bytes.write(segment, 0, 'base64url');
  if (bytes.toString('base64url', 0, length) !== segment) return undefined;
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, length);
  if (isAscii(view)) return bytes.toString('latin1', 0, length);
  return isUtf8(view) ? bytes.toString('utf8', 0, length) : false;
}
