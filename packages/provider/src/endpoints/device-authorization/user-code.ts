/**
 * User codes (RFC 8628 §6.1): what a person reads off a device and types on another. Twenty consonants
 * (no vowels, so no words; none of 0/O, 1/I/L-style look-alikes among them), 8 characters shown as
 * XXXX-XXXX: 20^8 ≈ 2^34.6 codes. That is only safe with a short lifetime and rate-limited guessing
 * (RFC 8628 §5.1), which the /device page does.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** Bytes at or above this would make some characters likelier than others (256 % 20 = 16). */
const UNBIASED_LIMIT = 256 - (256 % USER_CODE_ALPHABET.length);

/** A random user code, normalized (no separator), each character uniformly chosen. */
export function generateUserCode(random: (n: number) => Buffer): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of random(USER_CODE_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
      if (code.length === USER_CODE_LENGTH) break;
    }
  }
  return code;
}

/** XXXX-XXXX, how the code is shown and put in verification_uri_complete. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * RFC 8628 §6.1: what a person typed, made comparable — case-insensitive, dashes, spaces and other
 * punctuation ignored. Undefined when it cannot be a user code (wrong length or characters), so an
 * obviously mistyped code costs no database lookup.
 */
export function normalizeUserCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toUpperCase().replace(/[\s\-_.]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}
