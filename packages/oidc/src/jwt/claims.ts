import { JoseError } from '../jose/errors.js';
import type { JwsHeader } from '../jose/types.js';
import { parseDuration } from '../lib/duration.js';
import { JWT_MEDIA_TYPE, normalizeMediaType } from './typ.js';
import {
  checkUserAuthentication,
  type UserAuthenticationRequirement,
  userAuthenticationRequirement,
} from './user-authentication.js';

/** The registered claims Latchkey acts on (RFC 7519 §4.1, OIDC Core §2, RFC 9068 §2.2). */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  azp?: string;
  scope?: string;
  client_id?: string;
  nonce?: string;
  auth_time?: number;
  sid?: string;
  [claim: string]: unknown;
}

/** What the claims of a verified token must satisfy. Durations are seconds or `'30s'`, `'5m'`, … */
export interface ClaimsValidationOptions {
  /** Required `iss`, compared as an exact string (OIDC Core §3.1.3.7 rule 2, RFC 8725 §3.8). */
  issuer?: string;
  /** Accepted audiences: the token's `aud` must contain one of them exactly (RFC 7519 §4.1.3). */
  audience?: string | readonly string[];
  /** Required `typ` header, e.g. `at+jwt` (RFC 9068 §2.1) or `logout+jwt`. Missing `typ` is rejected. */
  typ?: string;
  /**
   * The token is an ID token (OIDC Core §3.1.3.7): `typ` absent or `JWT`, every `aud` element must
   * be a configured audience, and several audiences require `azp`.
   */
  idToken?: boolean;
  /** Leeway for `exp`, `nbf`, `iat` against clock skew (RFC 7519 §4.1.4). Default 30 s. */
  clockTolerance?: number | string;
  /** Maximum age since `iat`; requires `iat`. */
  maxTokenAge?: number | string;
  /** Claims that must be present besides `exp` (always required). */
  requiredClaims?: readonly string[];
  /** Our client_id: an `azp` claim, when present, must equal it (OIDC Core §3.1.3.7 rule 5). */
  authorizedParty?: string;
  /**
   * Accepted `acr` values (RFC 9470, OIDC Core §2): a token whose `acr` is none of them fails with
   * ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION.
   */
  requireAcr?: string | readonly string[];
  /** Seconds (or `'5m'`) since the token's `auth_time`; older, or no auth_time: the same error (RFC 9470). */
  maxAge?: number | string;
  /** The clock, in epoch milliseconds like `Date.now`. */
  now?: () => number;
}

/** Machine-readable `reason` of a claim error. */
export type ClaimFailureReason =
  | 'missing'
  | 'type'
  | 'mismatch'
  | 'empty'
  | 'untrusted'
  | 'future'
  | 'too_old'
  | 'too_far';

export const DEFAULT_CLOCK_TOLERANCE = 30;

/**
 * `exp` further ahead than this is rejected: it is almost always a value in milliseconds
 * (today × 1000 lands some 50,000 years ahead), and no token should live ten years.
 */
export const MAX_EXP_HORIZON = 10 * 365.25 * 86_400;

// A `typ` that names another token kind is never accepted unless it is the one asked for
// (RFC 8725 §3.12: mutually exclusive validation rules). OIDC Back-Channel Logout §2.4.
const EXPLICIT_ONLY_TYPES: ReadonlySet<string> = new Set(['application/logout+jwt']);

function claimError(claim: string, reason: ClaimFailureReason, message: string): JoseError {
  return new JoseError('ERR_JWT_CLAIM_INVALID', message, { claim, reason });
}

function typeError(claim: string, message: string): JoseError {
  return new JoseError('ERR_JWT_INVALID', message, { claim, reason: 'type' });
}

// RFC 7519 §2 NumericDate: a JSON number of seconds. JSON `1e400` parses to Infinity, which no
// clock comparison may see; a negative date is no date a token is issued at.
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function optionString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function optionStrings(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((v) => typeof v !== 'string' || v.length === 0)
  ) {
    throw new TypeError(`${name} must be a non-empty string or a non-empty array of non-empty strings`);
  }
  return Object.freeze([...list]);
}

/**
 * Claims rules compiled once from options (TypeErrors at once), then applied to every token
 * without looking at the options again.
 */
export class ClaimsValidator {
  readonly #issuer: string | undefined;
  readonly #audiences: ReadonlySet<string> | undefined;
  readonly #typ: string | undefined;
  /** The `typ` option as given: a header equal to it matches without normalizing. */
  readonly #typOption: string | undefined;
  readonly #idToken: boolean;
  readonly #tolerance: number;
  readonly #maxTokenAge: number | undefined;
  readonly #requiredClaims: readonly string[];
  readonly #authorizedParty: string | undefined;
  readonly #userAuthentication: UserAuthenticationRequirement | undefined;
  readonly #now: () => number;

  constructor(options: ClaimsValidationOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    this.#issuer = optionString(options.issuer, 'issuer');
    const audiences = optionStrings(options.audience, 'audience');
    this.#audiences = audiences === undefined ? undefined : new Set(audiences);
    const typ = optionString(options.typ, 'typ');
    this.#typOption = typ;
    this.#typ = typ === undefined ? undefined : normalizeMediaType(typ);
    if (options.idToken !== undefined && typeof options.idToken !== 'boolean') {
      throw new TypeError('idToken must be a boolean');
    }
    this.#idToken = options.idToken === true;
    this.#tolerance =
      options.clockTolerance === undefined
        ? DEFAULT_CLOCK_TOLERANCE
        : parseDuration(options.clockTolerance, 'clockTolerance');
    this.#maxTokenAge =
      options.maxTokenAge === undefined ? undefined : parseDuration(options.maxTokenAge, 'maxTokenAge');
    const required = options.requiredClaims ?? [];
    if (!Array.isArray(required) || required.some((c) => typeof c !== 'string' || c.length === 0)) {
      throw new TypeError('requiredClaims must be an array of claim names');
    }
    // exp is required by default (RFC 8725 §3.10 advice on short-lived tokens; J15).
    this.#requiredClaims = Object.freeze([...new Set(['exp', ...required])]);
    this.#authorizedParty = optionString(options.authorizedParty, 'authorizedParty');
    this.#userAuthentication = userAuthenticationRequirement(options.requireAcr, options.maxAge);
    if (options.now !== undefined && typeof options.now !== 'function')
      throw new TypeError('now must be a function');
    this.#now = options.now ?? Date.now;
  }

  /** Rejects headers this layer never accepts, before any key is looked up: nested JWTs. */
  checkHeader(header: JwsHeader): void {
    // RFC 8725 §3.3 / RFC 7519 §5.2: a nested JWT would need a second, separate verification.
    const cty = header.cty;
    if (cty !== undefined && (typeof cty !== 'string' || normalizeMediaType(cty) === JWT_MEDIA_TYPE)) {
      throw new JoseError('ERR_JOSE_NOT_SUPPORTED', 'nested JWTs are not supported');
    }
  }

  /** Checks `typ` and the claims of an authentic token; returns the payload as claims. */
  validate(header: JwsHeader, payload: unknown): JwtClaims {
    this.#checkTyp(header.typ);
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new JoseError('ERR_JWT_INVALID', 'the JWT claims set must be a JSON object');
    }
    const claims = payload as JwtClaims;
    checkClaimTypes(claims);
    for (const name of this.#requiredClaims) {
      if (claims[name] === undefined || !Object.hasOwn(claims, name))
        throw claimError(name, 'missing', `the "${name}" claim is missing`);
    }
    this.checkTimes(claims);
    this.#checkIssuer(claims.iss);
    this.#checkAudience(claims.aud);
    this.#checkAuthorizedParty(claims);
    // Last: only a token valid in every other way is answered with a step-up (RFC 9470 §3).
    if (this.#userAuthentication !== undefined) {
      checkUserAuthentication(claims, this.#userAuthentication, this.#now() / 1000);
    }
    return claims;
  }

  #checkTyp(value: unknown): void {
    // Equal strings normalize equally: the common case skips the lowercasing below.
    if (value !== undefined && value === this.#typOption) return;
    if (value !== undefined && typeof value !== 'string')
      throw claimError('typ', 'type', 'typ must be a string');
    const typ = value === undefined ? undefined : normalizeMediaType(value);
    if (this.#typ !== undefined) {
      if (typ !== this.#typ)
        throw claimError('typ', typ === undefined ? 'missing' : 'mismatch', 'unexpected typ');
    } else if (this.#idToken) {
      // An ID token carries no typ or `JWT`; an `at+jwt` or `logout+jwt` is another kind of token.
      if (typ !== undefined && typ !== JWT_MEDIA_TYPE) throw claimError('typ', 'mismatch', 'unexpected typ');
    } else if (typ !== undefined && EXPLICIT_ONLY_TYPES.has(typ)) {
      throw claimError('typ', 'mismatch', 'unexpected typ');
    }
  }

  /** The rules that depend on the clock: `exp`, `nbf`, `iat` and `maxTokenAge`. */
  checkTimes(claims: JwtClaims): void {
    const now = this.#now() / 1000;
    const tolerance = this.#tolerance;
    const { exp, nbf, iat } = claims;
    // RFC 7519 §4.1.4: reject when now ≥ exp (+ leeway).
    if (exp !== undefined) {
      if (now >= exp + tolerance)
        throw new JoseError('ERR_JWT_EXPIRED', undefined, { claim: 'exp', reason: 'expired' });
      if (exp > now + MAX_EXP_HORIZON)
        throw claimError('exp', 'too_far', 'exp is implausibly far in the future');
    }
    // RFC 7519 §4.1.5: accept only when now (+ leeway) ≥ nbf.
    if (nbf !== undefined && nbf > now + tolerance)
      throw claimError('nbf', 'future', 'the token is not yet valid');
    // RFC 7519 §4.1.6: a token cannot be issued in the future.
    if (iat !== undefined && iat > now + tolerance) throw claimError('iat', 'future', 'iat is in the future');
    if (this.#maxTokenAge !== undefined) {
      if (iat === undefined) throw claimError('iat', 'missing', 'the "iat" claim is missing');
      if (now - iat - tolerance > this.#maxTokenAge)
        throw claimError('iat', 'too_old', 'the token is too old');
    }
  }

  #checkIssuer(iss: string | undefined): void {
    if (this.#issuer === undefined) return;
    // Exact string match: no trailing-slash, case or scheme normalization (OIDC Core §3.1.3.7 rule 2).
    if (iss === undefined) throw claimError('iss', 'missing', 'the "iss" claim is missing');
    if (iss !== this.#issuer) throw claimError('iss', 'mismatch', 'unexpected issuer');
  }

  #checkAudience(aud: string | string[] | undefined): void {
    const accepted = this.#audiences;
    if (accepted === undefined) return;
    if (aud === undefined) throw claimError('aud', 'missing', 'the "aud" claim is missing');
    if (typeof aud === 'string') {
      if (!accepted.has(aud)) throw claimError('aud', 'mismatch', 'unexpected audience');
      return;
    }
    if (aud.length === 0) throw claimError('aud', 'empty', 'the audience list is empty');
    let matched = false;
    for (const element of aud) {
      if (accepted.has(element)) matched = true;
      // OIDC Core §3.1.3.7 rule 3: an ID token with an audience we do not trust is rejected.
      else if (this.#idToken) throw claimError('aud', 'untrusted', 'the token names an untrusted audience');
    }
    if (!matched) throw claimError('aud', 'mismatch', 'unexpected audience');
  }

  #checkAuthorizedParty(claims: JwtClaims): void {
    const azp = claims.azp;
    // OIDC Core §3.1.3.7 rule 5: an azp present must be our client_id.
    if (azp !== undefined && this.#authorizedParty !== undefined && azp !== this.#authorizedParty) {
      throw claimError('azp', 'mismatch', 'unexpected authorized party');
    }
    // Rule 4: an ID token with several audiences must say which one it was issued to.
    if (this.#idToken && azp === undefined && Array.isArray(claims.aud) && claims.aud.length > 1) {
      throw claimError('azp', 'missing', 'the "azp" claim is missing');
    }
  }
}

/**
 * Registered claims must have their registered JSON types (RFC 7519 §4.1). Written out claim by
 * claim: named property reads are what V8 optimizes best on the hot path.
 */
function checkClaimTypes(claims: JwtClaims): void {
  checkString(claims.iss, 'iss');
  checkString(claims.sub, 'sub');
  checkString(claims.jti, 'jti');
  checkString(claims.azp, 'azp');
  checkString(claims.scope, 'scope');
  checkString(claims.client_id, 'client_id');
  checkString(claims.nonce, 'nonce');
  checkString(claims.sid, 'sid');
  checkNumericDate(claims.exp, 'exp');
  checkNumericDate(claims.nbf, 'nbf');
  checkNumericDate(claims.iat, 'iat');
  checkNumericDate(claims.auth_time, 'auth_time');
  const aud = claims.aud;
  if (aud !== undefined && typeof aud !== 'string') {
    if (!Array.isArray(aud) || aud.some((a) => typeof a !== 'string')) {
      throw typeError('aud', '"aud" must be a string or an array of strings');
    }
  }
}

function checkString(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'string') throw typeError(name, `"${name}" must be a string`);
}

function checkNumericDate(value: unknown, name: string): void {
  if (value !== undefined && !isNumericDate(value)) {
    throw typeError(name, `"${name}" must be a finite, non-negative number of seconds`);
  }
}

/** Compiles `options` into a reusable validator (options are checked here, once). */
export function createClaimsValidator(options: ClaimsValidationOptions): ClaimsValidator {
  return new ClaimsValidator(options);
}

/** One-off validation of a decoded header and claims set. Prefer `createClaimsValidator` in loops. */
export function validateClaims(
  header: JwsHeader,
  payload: unknown,
  options: ClaimsValidationOptions,
): JwtClaims {
  const validator = new ClaimsValidator(options);
  validator.checkHeader(header);
  return validator.validate(header, payload);
}
