import { createHash } from 'node:crypto';

/**
 * How an opaque, high-entropy credential (authorization code, later refresh and device codes) is
 * stored and looked up: SHA-256, base64url (DESIGN rule 6). They are ≥ 256 random bits, so a slow
 * KDF would only cost throughput; a stolen database still hands out nothing usable.
 */
export function hashOpaqueToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
