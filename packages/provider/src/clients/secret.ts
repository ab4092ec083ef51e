import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits of randomness (issue 3; RFC 6749 §10.10 asks for secrets that cannot be guessed). */
export const CLIENT_SECRET_BYTES = 32;

export function generateClientSecret(random: (n: number) => Buffer = randomBytes): string {
  return random(CLIENT_SECRET_BYTES).toString('base64url');
}

/**
 * SHA-256, base64url (DESIGN rule 6): the secret is 256 random bits, so a slow KDF would only cost
 * throughput; a stolen database still yields no usable secret.
 */
export function hashClientSecret(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/** Stands in for an unknown client or a client without a secret, so every path does the same work (C1). */
const DUMMY_DIGEST = createHash('sha256').update(randomBytes(CLIENT_SECRET_BYTES)).digest();

/**
 * Compares a presented secret with a stored hash in constant time (C1, OIDC Core §16.12): both sides
 * are 32-byte digests, so timingSafeEqual sees equal lengths whatever the caller sends.
 */
export function verifyClientSecret(storedHash: string | null | undefined, presented: string): boolean {
  return secretDigestMatches(storedHash, presentedSecretDigest(presented));
}

/** The SHA-256 of a presented secret, computed once when it is compared with more than one stored hash. */
export function presentedSecretDigest(presented: string): Buffer {
  return hash('sha256', presented, 'buffer');
}

/** verifyClientSecret for a digest from presentedSecretDigest: the same constant-time comparison. */
export function secretDigestMatches(storedHash: string | null | undefined, actual: Buffer): boolean {
  const stored = typeof storedHash === 'string' ? Buffer.from(storedHash, 'base64url') : undefined;
  const usable = stored !== undefined && stored.length === DUMMY_DIGEST.length;
  const equal = timingSafeEqual(usable ? stored : DUMMY_DIGEST, actual);
  return equal && usable;
}
