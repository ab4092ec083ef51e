import { createHmac, hkdfSync } from 'node:crypto';

/** What a failed sign-in records of a username that names no account. */
export type UsernameDigest = (username: string) => string;

/**
 * HMAC-SHA256 of the normalized username under a key derived from LATCHKEY_SECRET (HKDF-SHA256, as
 * every key made from it). People type passwords into the username field; a failed sign-in for a name
 * that is no account records this digest instead of the text, so the audit log and the structured log
 * never hold a password. Repeated tries with one name still share a digest, and an operator who knows a
 * name can compute it; without the secret nobody can test guesses against the log.
 */
export function createUsernameDigest(secret: Uint8Array): UsernameDigest {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'latchkey audit username v1', 32));
  return (username) => createHmac('sha256', key).update(normalizeUsername(username)).digest('base64url');
}

/** Usernames compare case-insensitively and without surrounding spaces (users/service.ts). */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}
