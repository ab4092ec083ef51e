/**
 * Checks of the OIDC standard claims an operator sets on a user (OIDC Core §5.1), one table: the CLI's
 * `user create`/`user update` and the admin API read the same rules.
 */
import type { UserProfileClaims } from '../../store/types.js';
import { invalidInput } from '../errors.js';

/** The profile claims an operator may set, with the check of each value. */
const PROFILE_CLAIMS: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  name: text,
  given_name: text,
  family_name: text,
  middle_name: text,
  nickname: text,
  preferred_username: text,
  profile: httpUrl,
  picture: httpUrl,
  website: httpUrl,
  gender: text,
  // §5.1: ISO 8601 YYYY-MM-DD, or YYYY alone (0000 when the year is withheld: 0000-MM-DD).
  birthdate: (v) =>
    typeof v === 'string' && /^\d{4}(-\d{2}-\d{2})?$/.test(v) ? undefined : 'must be YYYY-MM-DD or YYYY',
  // §5.1: an IANA time zone name, e.g. Europe/Paris.
  zoneinfo: (v) =>
    typeof v === 'string' && isTimeZone(v) ? undefined : 'must be an IANA time zone such as Europe/Paris',
  // §5.1: a BCP 47 language tag, e.g. en-US (the underscore form is tolerated by §5.1 too).
  locale: (v) =>
    typeof v === 'string' && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(v)
      ? undefined
      : 'must be a BCP 47 language tag such as en-US',
  // §5.1: E.164 is RECOMMENDED ("+1 (425) 555-1212" style grouping and ";ext=" are allowed too).
  phone_number: (v) =>
    typeof v === 'string' && /^\+[0-9][0-9 ()-]{5,30}(;ext=[0-9]{1,10})?$/.test(v)
      ? undefined
      : 'must be an international number starting with +, e.g. +14155550123',
  phone_number_verified: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  address,
};

/** §5.1.1: a JSON object of these string members only. */
const ADDRESS_MEMBERS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'];

function address(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  for (const [member, part] of Object.entries(value)) {
    if (!ADDRESS_MEMBERS.includes(member))
      return `has an unknown member ${member} (known: ${ADDRESS_MEMBERS.join(', ')})`;
    if (typeof part !== 'string' || part.length > 500)
      return `member ${member} must be text of at most 500 characters`;
  }
  return undefined;
}

export const SETTABLE_PROFILE_CLAIMS: readonly string[] = Object.keys(PROFILE_CLAIMS);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 200 && !/\p{Cc}/u.test(value)
    ? undefined
    : 'must be 1 to 200 printable characters';
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return 'must be an https URL';
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must be an https URL';
  } catch {
    return 'must be an https URL';
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return /^[A-Za-z]/.test(name);
  } catch {
    return false;
  }
}

/**
 * Applies a change to a profile: each member set to a value is checked and set, each set to null is
 * removed. Unknown claim names are refused (naming them), so a typo never becomes a claim.
 */
export function applyProfileChange(
  profile: UserProfileClaims,
  change: Readonly<Record<string, unknown>>,
): UserProfileClaims {
  const next: Record<string, unknown> = { ...profile };
  for (const [claim, value] of Object.entries(change)) {
    const check = Object.hasOwn(PROFILE_CLAIMS, claim) ? PROFILE_CLAIMS[claim] : undefined;
    if (check === undefined) {
      throw invalidInput(
        claim,
        `is not a profile claim that can be set; known: ${SETTABLE_PROFILE_CLAIMS.join(', ')}`,
      );
    }
    if (value === null) {
      delete next[claim];
      continue;
    }
    const problem = check(value);
    if (problem !== undefined) throw invalidInput(claim, `${JSON.stringify(value)} ${problem}`);
    next[claim] = value;
  }
  return next as UserProfileClaims;
}

export function checkEmail(email: unknown): asserts email is string {
  if (typeof email !== 'string' || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw invalidInput('email', `${JSON.stringify(email)} is not an email address`);
  }
}
