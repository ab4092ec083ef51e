import { JoseError } from '../jose/errors.js';
import { encodeProtectedHeader, signWithHeaderSegment } from '../jose/jws/sign.js';
import type { JoseKey } from '../jose/types.js';
import { isJsonObject } from '../lib/is-object.js';

export interface SignJwtOptions {
  /** The `typ` header, e.g. `at+jwt` (RFC 9068 §2.1) or `logout+jwt`. */
  typ?: string;
  /** Other protected header members; `alg` comes from the key, `kid` from the key unless given. */
  header?: Record<string, unknown>;
}

/**
 * Signs a claims set as a compact JWS (RFC 7519 §7.1). Synchronous; the claims are serialized once.
 * Without a `header` option the protected header depends only on the key and `typ`: for a frozen
 * key (every key this library makes) its encoded segment is made once per typ and reused.
 */
export function signJwt(claims: Record<string, unknown>, key: JoseKey, options: SignJwtOptions = {}): string {
  if (!isJsonObject(claims)) throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'the claims must be an object');
  const { typ, header } = options;
  if (typ !== undefined && (typeof typ !== 'string' || typ.length === 0)) {
    throw new TypeError('typ must be a non-empty string');
  }
  if (header !== undefined && !isJsonObject(header)) throw new TypeError('header must be an object');
  let headerSegment: string;
  if (header !== undefined) {
    headerSegment = encodeProtectedHeader(typ === undefined ? header : { ...header, typ }, key);
  } else if (Object.isFrozen(key)) {
    headerSegment = cachedHeaderSegment(key, typ);
  } else {
    headerSegment = encodeProtectedHeader(typ === undefined ? {} : { typ }, key);
  }
  return signWithHeaderSegment(headerSegment, JSON.stringify(claims), key);
}

// Per key, the header segment for each typ ('' for none). A key signs with a handful of typs;
// the bound only guards against a caller that passes a new typ every time.
const MAX_TYPS_PER_KEY = 8;
const headerSegments = new WeakMap<JoseKey, Map<string, string>>();

function cachedHeaderSegment(key: JoseKey, typ: string | undefined): string {
  let byTyp = headerSegments.get(key);
  const cached = byTyp?.get(typ ?? '');
  if (cached !== undefined) return cached;
  const segment = encodeProtectedHeader(typ === undefined ? {} : { typ }, key);
  if (byTyp === undefined) {
    byTyp = new Map();
    headerSegments.set(key, byTyp);
  }
  if (byTyp.size >= MAX_TYPS_PER_KEY) byTyp.clear();
  byTyp.set(typ ?? '', segment);
  return segment;
}
