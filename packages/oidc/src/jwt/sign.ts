import { JoseError } from '../jose/errors.js';
import { signJws } from '../jose/jws/sign.js';
import type { JoseKey } from '../jose/types.js';
import { isJsonObject } from '../lib/is-object.js';

export interface SignJwtOptions {
  /** The `typ` header, e.g. `at+jwt` (RFC 9068 §2.1) or `logout+jwt`. */
  typ?: string;
  /** Other protected header members; `alg` comes from the key, `kid` from the key unless given. */
  header?: Record<string, unknown>;
}

/** Signs a claims set as a compact JWS (RFC 7519 §7.1). Synchronous; the claims are serialized once. */
export function signJwt(claims: Record<string, unknown>, key: JoseKey, options: SignJwtOptions = {}): string {
  if (!isJsonObject(claims)) throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'the claims must be an object');
  const { typ, header } = options;
  if (typ !== undefined && (typeof typ !== 'string' || typ.length === 0)) {
    throw new TypeError('typ must be a non-empty string');
  }
  if (header !== undefined && !isJsonObject(header)) throw new TypeError('header must be an object');
  const protectedHeader = typ === undefined ? (header ?? {}) : { ...header, typ };
  return signJws(protectedHeader, JSON.stringify(claims), key);
}
