import { invalidInput } from '../admin/errors.js';

/** Usernames compare case-insensitively: stored lower-cased, letters, digits and . _ @ + - only. */
export function normalizeUsername(username: unknown): string {
  if (typeof username !== 'string' || !/^[\p{L}\p{N}._@+-]{1,64}$/u.test(username.trim())) {
    throw invalidInput('username', 'must be 1 to 64 letters, digits or . _ @ + -');
  }
  return username.trim().toLowerCase();
}
