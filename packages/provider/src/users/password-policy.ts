/**
 * The rules a new password must meet, NIST SP 800-63B rev. 4 §3.1.1.2: a minimum length, a maximum of
 * at least 64, every Unicode character allowed and counted as one, NO composition rules (no "one digit,
 * one symbol"), and a blocklist of commonly used and breached passwords checked case-insensitively.
 * One function, so the CLI, the admin API and the account page refuse the same passwords.
 */
import { readFileSync } from 'node:fs';
import { invalidInput } from '../admin/errors.js';

export interface PasswordPolicy {
  /** Config `passwords.minLength`: characters (code points). */
  readonly minLength: number;
}

/**
 * 12 by default (issue 14). NIST rev. 4 asks 15 for a password that is the only factor and 8 for one
 * used with another factor; operators choose within 8 to 64 (config parser).
 */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 12 };

/** NIST: at least 64 allowed; the bound keeps argon2id's input bounded (DESIGN rule 9). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Shipped with the package (data/common-passwords.NOTICE says where it comes from and its licence). */
const BLOCKLIST_FILE = new URL('../../data/common-passwords.txt', import.meta.url);

let blocklist: ReadonlySet<string> | undefined;

/** Loaded on first use (about 49,000 lower-cased entries, a few milliseconds): servers that never set a password pay nothing. */
function commonPasswords(): ReadonlySet<string> {
  blocklist ??= new Set(
    readFileSync(BLOCKLIST_FILE, 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return blocklist;
}

/** Whether a password is on the blocklist, whatever its letter case. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}

/**
 * Throws an AdminError naming `password` when it breaks the policy; the message says which rule, never
 * the password. `context` holds words specific to this account (the username): NIST §3.1.1.2 asks to
 * refuse a password that is one of them.
 */
export function checkNewPassword(
  password: unknown,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
  context: { readonly username?: string } = {},
): asserts password is string {
  if (typeof password !== 'string') throw invalidInput('password', 'must be text');
  const length = [...password].length;
  if (length < policy.minLength) {
    throw invalidInput('password', `must be at least ${policy.minLength} characters (it has ${length})`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw invalidInput('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (isCommonPassword(password)) {
    throw invalidInput(
      'password',
      'is one of the most common passwords (a list of breached passwords): choose another',
    );
  }
  if (context.username !== undefined && password.toLowerCase() === context.username.toLowerCase()) {
    throw invalidInput('password', 'must not be the username');
  }
}
