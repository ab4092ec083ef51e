/**
 * Scope checks on verified access-token claims.
 *
 * Where the scopes are read from:
 * - `scope`: one string of space-delimited, case-sensitive values (RFC 9068 §2.2.3, RFC 8693 §4.2,
 *   RFC 6749 §3.3). This is what Latchkey issues.
 * - `scp`: only when `scope` is absent, as an array of strings or a space-delimited string, the shapes
 *   other providers use. One claim is read, never a union of two, so a token's grant is never wider
 *   than the one claim its issuer meant.
 * A claim of any other shape grants nothing: the check fails closed.
 */

/** Returns the required scopes the claims do not grant (empty when all are granted). */
export type ScopeCheck = (claims: unknown) => readonly string[];

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * `requireScopes('read', 'write')` → a check that the token grants every one of them. The names are
 * checked now, with a TypeError, so a typo fails at start rather than denying every request.
 */
export function requireScopes(...scopes: string[]): ScopeCheck {
  const required = validScopes(scopes, 'requireScopes()');
  return (claims) => {
    const granted = grantedScopes(claims);
    return required.filter((scope) => !granted.has(scope));
  };
}

/** Checks a list of scope names; the TypeError names `option`. Shared by `requireScopes` and `scopes`. */
export function validScopes(scopes: unknown, option: string): readonly string[] {
  if (!Array.isArray(scopes)) throw new TypeError(`${option} must be an array of scope names`);
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `${option} must contain scope names of printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)`,
      );
    }
  }
  return Object.freeze([...new Set<string>(scopes)]);
}

function grantedScopes(claims: unknown): ReadonlySet<string> {
  if (typeof claims !== 'object' || claims === null) return new Set();
  const { scope, scp } = claims as { scope?: unknown; scp?: unknown };
  if (scope !== undefined) return typeof scope === 'string' ? splitScopes(scope) : new Set();
  if (typeof scp === 'string') return splitScopes(scp);
  if (Array.isArray(scp) && scp.every((value) => typeof value === 'string')) return new Set(scp);
  return new Set();
}

function splitScopes(value: string): Set<string> {
  return new Set(value.split(' ').filter((scope) => scope !== ''));
}
