/**
 * The options of the Bearer middleware, checked once when a middleware is built: a misconfigured
 * service fails at start with a TypeError naming the option, before any request.
 */
import { checkDpopOptions, type DpopOptions, type DpopSettings } from '../dpop/options.js';
import {
  type UserAuthenticationRequirement,
  userAuthenticationRequirement,
} from '../jwt/user-authentication.js';
import { requireScopes, type ScopeCheck, validScopes } from './scopes.js';

/** Anything that turns a token into its verified claims; `createVerifier(…)` satisfies it. */
export interface TokenVerifier<C> {
  verify(token: string): Promise<C>;
}

export interface BearerAuthOptions<C> {
  /** Verifies the token (signature, issuer, audience, expiry, typ). */
  readonly verifier: TokenVerifier<C>;
  /** Scopes the token must grant, all of them; otherwise 403 `insufficient_scope`. */
  readonly scopes?: readonly string[];
  /** An extra check on the verified claims; `false` gives 403 `insufficient_scope`. */
  readonly claims?: (claims: C) => boolean | Promise<boolean>;
  /**
   * Accepted `acr` values (RFC 9470): a token with another `acr` gets 401
   * `insufficient_user_authentication` with `acr_values`, so the client can step up.
   */
  readonly requireAcr?: string | readonly string[];
  /** Seconds (or `'5m'`) since the token's `auth_time`; older gets the same challenge with `max_age`. */
  readonly maxAge?: number | string;
  /** The clock for `maxAge`, in epoch milliseconds like `Date.now` (the default). */
  readonly now?: () => number;
  /** The `realm` of the challenge (RFC 6750 §3). */
  readonly realm?: string;
  /** The absolute URL of this resource's RFC 9728 metadata, sent in every challenge (§5.1). */
  readonly resourceMetadata?: string;
  /** Seconds in the `Retry-After` of a 503 when the key set is unavailable. Default 10. */
  readonly retryAfter?: number;
  /** Told about every 500 and 503 (the client gets no detail), e.g. to log it. Its own errors are ignored. */
  readonly onError?: (error: unknown) => void;
  /** Accept DPoP-bound tokens with their proofs (RFC 9449 §7); `{ required: true }` refuses Bearer. */
  readonly dpop?: DpopOptions;
}

const DEFAULT_RETRY_AFTER = 10;
const MAX_RETRY_AFTER = 86_400;

/** The checked options, as the authenticator uses them. */
export interface Settings<C> {
  readonly verifier: TokenVerifier<C>;
  readonly scopes: ScopeCheck | undefined;
  readonly requiredScopes: readonly string[];
  readonly claims: ((claims: C) => boolean | Promise<boolean>) | undefined;
  readonly userAuthentication: UserAuthenticationRequirement | undefined;
  readonly now: () => number;
  readonly realm: string | undefined;
  readonly resourceMetadata: string | undefined;
  readonly retryAfter: number;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly dpop: DpopSettings | undefined;
}

export function checkOptions<C>(options: BearerAuthOptions<C>): Settings<C> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { verifier, scopes, claims, realm, resourceMetadata, retryAfter, onError, dpop } = options;
  const userAuthentication = userAuthenticationRequirement(options.requireAcr, options.maxAge, 'options.');
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new TypeError('options.now must be a function () => epoch milliseconds');
  }
  if (typeof verifier !== 'object' || verifier === null || typeof verifier.verify !== 'function') {
    throw new TypeError('options.verifier must be an object with a verify(token) method');
  }
  const requiredScopes = scopes === undefined ? [] : validScopes(scopes, 'options.scopes');
  if (claims !== undefined && typeof claims !== 'function') {
    throw new TypeError('options.claims must be a function (claims) => boolean');
  }
  if (realm !== undefined && (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm))) {
    throw new TypeError('options.realm must be a string of printable ASCII');
  }
  if (resourceMetadata !== undefined && !isHttpUrl(resourceMetadata)) {
    throw new TypeError(
      'options.resourceMetadata must be an absolute http(s) URL of printable ASCII without quotes (RFC 9728 §3)',
    );
  }
  if (
    retryAfter !== undefined &&
    (typeof retryAfter !== 'number' ||
      !Number.isInteger(retryAfter) ||
      retryAfter < 0 ||
      retryAfter > MAX_RETRY_AFTER)
  ) {
    throw new TypeError(`options.retryAfter must be a whole number of seconds from 0 to ${MAX_RETRY_AFTER}`);
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('options.onError must be a function (error) => void');
  }
  return {
    verifier,
    scopes: requiredScopes.length === 0 ? undefined : requireScopes(...requiredScopes),
    requiredScopes,
    claims,
    userAuthentication,
    now: options.now ?? Date.now,
    realm,
    resourceMetadata,
    retryAfter: retryAfter ?? DEFAULT_RETRY_AFTER,
    onError,
    dpop: dpop === undefined ? undefined : checkDpopOptions(dpop, 'options.dpop'),
  };
}

function isHttpUrl(value: unknown): boolean {
  // Printable ASCII without `"` or `\`: the URL goes verbatim into a quoted-string of the challenge.
  if (typeof value !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
