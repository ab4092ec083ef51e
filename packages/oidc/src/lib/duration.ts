/**
 * Durations in options: a number of seconds (`300`) or a string with one unit (`'30s'`, `'5m'`,
 * `'2h'`, `'1d'`). Options are checked once, when a verifier or key set is built, so a bad value
 * is a TypeError that names the option (a programming error, like panva/jose), never a JoseError.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

// Digits, an optional fraction, one unit letter. No spaces, signs or exponents.
const DURATION = /^(\d+(?:\.\d+)?)([smhd])$/;

/** Returns the duration in seconds; throws a TypeError naming `name` for anything else. */
export function parseDuration(value: number | string, name: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    const match = DURATION.exec(value);
    if (match !== null) {
      const seconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
      if (Number.isFinite(seconds)) return seconds;
    }
  }
  throw new TypeError(
    `${name} must be a non-negative number of seconds or a string like '30s', '5m', '2h', '1d'`,
  );
}

/** `parseDuration` for an optional option: `undefined` gives `fallback` (in seconds). */
export function parseOptionalDuration(
  value: number | string | undefined,
  name: string,
  fallback: number,
): number {
  return value === undefined ? fallback : parseDuration(value, name);
}
