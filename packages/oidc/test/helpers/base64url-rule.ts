import fc from 'fast-check';

/**
 * Canonical base64url as RFC 7515 §2 and Appendix C state it, written out independently of the
 * library: the oracle the J11 properties compare the decoders with.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function isCanonicalBase64url(s: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return false;
  const rest = s.length % 4; // trailing bits beyond the last whole byte must be zero
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(s[s.length - 1]!);
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/**
 * Strings that mostly use the alphabet, mixed with what Node's decoder accepts (`+`, `/`), skips
 * (`=`, whitespace, other ASCII and Latin-1) or truncates to a letter (U+0141 `Ł` reads as `A`), and
 * characters of two UTF-16 units.
 */
export function base64urlLikeStrings(maxLength: number): fc.Arbitrary<string> {
  const junk = ['+', '/', '=', ' ', '\n', '\t', '.', '%', 'é', '\u00ff', '\u0100', 'Ł', '😀', '\ud800'];
  const symbol = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...ALPHABET) },
    { weight: 1, arbitrary: fc.constantFrom(...junk) },
  );
  return fc.array(symbol, { maxLength }).map((symbols) => symbols.join(''));
}
