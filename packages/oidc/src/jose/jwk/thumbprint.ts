import { createHash } from 'node:crypto';
import type { HashName } from '../algorithms.js';
import { JoseError } from '../errors.js';
import type { JoseKey, Jwk } from '../types.js';
import { exportJwk } from './export.js';

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

const DIGESTS = new Set<string>(['sha256', 'sha384', 'sha512']);

/**
 * The JWK thumbprint (RFC 7638 §3): the hash of the required members only, in lexicographic order,
 * without whitespace, as base64url. From a JoseKey, the thumbprint of its public JWK (a secret
 * key's of its `oct` JWK).
 */
export function jwkThumbprint(key: Jwk | JoseKey, digest: HashName = 'sha256'): string {
  if (!DIGESTS.has(digest)) throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'unsupported digest');
  if (typeof key !== 'object' || key === null)
    throw new JoseError('ERR_JWK_INVALID', 'the JWK is not an object');
  const jwk: Jwk =
    'keyObject' in key ? exportJwk(key as JoseKey, { includePrivate: key.type === 'secret' }) : key;
  const members =
    typeof jwk.kty === 'string' && Object.hasOwn(REQUIRED_MEMBERS, jwk.kty)
      ? REQUIRED_MEMBERS[jwk.kty]
      : undefined;
  if (members === undefined) throw new JoseError('ERR_JWK_INVALID', 'unsupported kty');
  const parts: string[] = [];
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new JoseError('ERR_JWK_INVALID', `member ${name} must be a string`);
    // JSON.stringify escapes exactly as RFC 7638 §3.3 requires (no whitespace, JSON string form).
    parts.push(`"${name}":${JSON.stringify(value)}`);
  }
  return createHash(digest)
    .update(`{${parts.join(',')}}`)
    .digest('base64url');
}
