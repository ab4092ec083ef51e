import { signBytes } from '../../lib/signature.js';
import { transientJoinedAsciiBytes, utf8ToBase64url } from '../../lib/transient-bytes.js';
import { encodeBase64url } from '../base64url.js';
import { JoseError } from '../errors.js';
import type { JoseKey } from '../types.js';

/**
 * Signs `payload` as a compact JWS (RFC 7515 §7.1). `alg` comes from the key (a header naming
 * another is a caller error); `kid` is taken from the key when the header has none. `alg` is
 * written first, the other members in the caller's order, so output is reproducible.
 */
export function signJws(header: Record<string, unknown>, payload: Uint8Array | string, key: JoseKey): string {
  return signWithHeaderSegment(encodeProtectedHeader(header, key), payload, key);
}

/** The protected header as its base64url segment, after the checks signJws makes. */
export function encodeProtectedHeader(header: Record<string, unknown>, key: JoseKey): string {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'the header must be an object');
  }
  checkSigningKey(key);
  if (header.alg !== undefined && header.alg !== key.alg) {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'the header alg differs from the key algorithm');
  }
  // Never produce what our verifier refuses: crit (RFC 7515 §4.1.11), b64 (RFC 7797), and the
  // member names parseJsonObject rejects (prototype pollution, checklist J12).
  if (header.crit !== undefined || header.b64 !== undefined) {
    throw new JoseError('ERR_JOSE_NOT_SUPPORTED', 'crit and b64 are not supported');
  }
  const ordered: Record<string, unknown> = { alg: key.alg };
  for (const [name, value] of Object.entries(header)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'the header has a forbidden member name');
    }
    if (name !== 'alg') ordered[name] = value;
  }
  if (ordered.kid === undefined && key.kid !== undefined) ordered.kid = key.kid;
  return encodeBase64url(JSON.stringify(ordered));
}

/**
 * Signs `payload` under a header segment made by encodeProtectedHeader for this same key (a caller
 * that signs many tokens with one header encodes it once).
 */
export function signWithHeaderSegment(
  headerSegment: string,
  payload: Uint8Array | string,
  key: JoseKey,
): string {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'the payload must be a string or bytes');
  }
  checkSigningKey(key);
  const payloadSegment = typeof payload === 'string' ? utf8ToBase64url(payload) : encodeBase64url(payload);
  // The signing input is base64url and a dot, all ASCII; signBytes reads it synchronously.
  const signature = signBytes(key, transientJoinedAsciiBytes(headerSegment, payloadSegment));
  return `${headerSegment}.${payloadSegment}.${encodeBase64url(signature)}`;
}

function checkSigningKey(key: JoseKey): void {
  if (typeof key !== 'object' || key === null || (key.type !== 'private' && key.type !== 'secret')) {
    throw new JoseError('ERR_KEY_INVALID', 'signing needs a private or secret key');
  }
}
