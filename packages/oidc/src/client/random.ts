import { createHash, randomBytes } from 'node:crypto';

/** Returns `n` random bytes; injectable so tests can fix state, nonce and verifier. */
export type RandomBytes = (n: number) => Uint8Array;

export const defaultRandomBytes: RandomBytes = (n) => randomBytes(n);

/** A 256-bit random value, base64url: state, nonce, session ids (RFC 9700 §4.7.1, OIDC Core §15.5.2). */
export function randomToken(random: RandomBytes = defaultRandomBytes): string {
  return Buffer.from(random(32)).toString('base64url');
}

/**
 * RFC 7636 §4.1: code_verifier = 43–128 characters of [A-Z a-z 0-9 - . _ ~]; 32 random bytes in
 * base64url give 43 of them. §4.2: S256 challenge = BASE64URL(SHA256(ASCII(code_verifier))).
 */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}
