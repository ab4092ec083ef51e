/**
 * How the user authenticated, as a resource asks for it (RFC 9470 §3, OIDC Core §2): an `acr` among
 * the accepted values, and an `auth_time` no older than `maxAge` seconds. Checked on verified claims;
 * a failure is `ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION`, which the Bearer middleware answers with
 * the RFC 9470 step-up challenge so the client can send the user back through the provider.
 */
import { JoseError } from '../jose/errors.js';
import { parseDuration } from '../lib/duration.js';

export interface UserAuthenticationRequirement {
  /** Accepted `acr` values, in order of preference (the challenge's `acr_values`). */
  readonly acrValues: readonly string[] | undefined;
  /** Seconds since `auth_time` (the challenge's `max_age`). */
  readonly maxAge: number | undefined;
}

// RFC 9470 §3 puts acr_values in a quoted-string, space-separated: each value printable ASCII without
// spaces, quotes or backslashes.
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Compiles the options once (TypeError naming the option), or undefined when none is set. */
export function userAuthenticationRequirement(
  requireAcr: unknown,
  maxAge: unknown,
  prefix = '',
): UserAuthenticationRequirement | undefined {
  if (requireAcr === undefined && maxAge === undefined) return undefined;
  let acrValues: readonly string[] | undefined;
  if (requireAcr !== undefined) {
    const list = typeof requireAcr === 'string' ? [requireAcr] : requireAcr;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      list.some((v) => typeof v !== 'string' || !ACR_VALUE.test(v))
    ) {
      throw new TypeError(
        `${prefix}requireAcr must be an acr value or a non-empty array of them (printable ASCII, no spaces or quotes)`,
      );
    }
    acrValues = Object.freeze([...new Set<string>(list)]);
  }
  return {
    acrValues,
    maxAge: maxAge === undefined ? undefined : parseDuration(maxAge as number | string, `${prefix}maxAge`),
  };
}

/**
 * Throws unless the claims meet the requirement. `nowSeconds` is the verifier's clock. No clock
 * tolerance for `maxAge`: it widens what is accepted, and `maxAge: 0` must mean "just now".
 */
export function checkUserAuthentication(
  claims: { readonly acr?: unknown; readonly auth_time?: unknown },
  requirement: UserAuthenticationRequirement,
  nowSeconds: number,
): void {
  const { acrValues, maxAge } = requirement;
  if (acrValues !== undefined) {
    if (typeof claims.acr !== 'string' || !acrValues.includes(claims.acr)) {
      throw insufficient(
        'acr',
        claims.acr === undefined ? 'missing' : 'mismatch',
        'the user authentication does not meet the required acr',
      );
    }
  }
  if (maxAge !== undefined) {
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
      throw insufficient('auth_time', 'missing', 'the token does not say when the user authenticated');
    }
    if (nowSeconds - authTime > maxAge) {
      throw insufficient('auth_time', 'too_old', 'the user authenticated too long ago');
    }
  }
}

function insufficient(claim: string, reason: string, message: string): JoseError {
  return new JoseError('ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION', message, { claim, reason });
}
