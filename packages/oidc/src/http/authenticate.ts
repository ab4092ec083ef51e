/**
 * The framework-neutral core of the Bearer middleware: a request's token parts in, claims or a complete
 * HTTP failure (status, headers, JSON body) out. Each adapter (node, express, fastify, hono) only
 * gathers a `BearerRequest` and writes the failure.
 */
import { isJoseError, JOSE_ERROR_CODES, type JoseErrorCode } from '../jose/errors.js';
import { checkUserAuthentication } from '../jwt/user-authentication.js';
import { type BearerRequest, extractBearerToken } from './bearer.js';
import { type BearerAuthOptions, checkOptions, type Settings } from './options.js';
import { type BearerErrorCode, bearerChallenge, descriptionText } from './www-authenticate.js';

/**
 * The JSON body of a failure. The description never contains the token. `error` is absent only when the
 * request had no token, mirroring the challenge (RFC 6750 §3.1).
 */
export interface BearerErrorBody {
  readonly error?: BearerErrorCode | 'temporarily_unavailable' | 'server_error';
  readonly error_description?: string;
}

export interface BearerFailure {
  readonly ok: false;
  readonly status: 400 | 401 | 403 | 500 | 503;
  /** Lower-case header names: `content-type`, `cache-control`, and `www-authenticate` or `retry-after`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BearerErrorBody;
}

export type BearerAuthResult<C> = { readonly ok: true; readonly claims: C } | BearerFailure;

export type BearerAuthenticator<C> = (request: BearerRequest) => Promise<BearerAuthResult<C>>;

/**
 * What each JoseError code means for the client. A `Record` over the closed union, so a new code does not
 * compile until someone decides here.
 * - `invalid_token` (401): the token is at fault — malformed, badly signed, expired, wrong claims, or
 *   signed by a key the key set does not hold (unknown `kid` fails closed, checklist K3).
 * - `unavailable` (503 + Retry-After): the key set could not be fetched or was malformed. That is the
 *   provider's or our problem, not the client's token; a 401 would tell a well-behaved client to throw
 *   away a good token and re-authenticate, and hide an outage behind a storm of "invalid token"s.
 * - `step_up` (401 `insufficient_user_authentication`, RFC 9470 §3): the token is good, the sign-in behind
 *   it is not enough (acr, auth_time); the challenge says what would be.
 * - `server_error` (500): an invalid argument means our own configuration or code is wrong.
 */
const DISPOSITION: Readonly<
  Record<JoseErrorCode, 'invalid_token' | 'step_up' | 'unavailable' | 'server_error'>
> = {
  ERR_JOSE_INVALID_ARGUMENT: 'server_error',
  ERR_JWS_INVALID: 'invalid_token',
  ERR_JWS_SIGNATURE_INVALID: 'invalid_token',
  ERR_JOSE_ALG_NOT_ALLOWED: 'invalid_token',
  ERR_JOSE_NOT_SUPPORTED: 'invalid_token',
  ERR_JWK_INVALID: 'invalid_token',
  ERR_KEY_INVALID: 'invalid_token',
  ERR_JWT_INVALID: 'invalid_token',
  ERR_JWT_EXPIRED: 'invalid_token',
  ERR_JWT_CLAIM_INVALID: 'invalid_token',
  ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION: 'step_up',
  ERR_JWKS_NO_MATCHING_KEY: 'invalid_token',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'invalid_token',
  ERR_JWKS_INVALID: 'unavailable',
  ERR_JWKS_TIMEOUT: 'unavailable',
  ERR_JWKS_FETCH_FAILED: 'unavailable',
  ERR_DISCOVERY_INVALID: 'unavailable',
};

/**
 * Builds the neutral authenticator. Options are checked now, with a TypeError naming the option, so a
 * misconfigured service fails at start, before any request.
 */
export function createBearerAuthenticator<C>(options: BearerAuthOptions<C>): BearerAuthenticator<C> {
  const settings = checkOptions(options);
  return async (request) => {
    const extraction = extractBearerToken(request);
    if (extraction.kind === 'missing') return challenge(settings, 401, undefined, undefined);
    if (extraction.kind === 'invalid_request') {
      return challenge(settings, 400, 'invalid_request', extraction.description);
    }
    const { token } = extraction;
    try {
      const claims = await settings.verifier.verify(token);
      if (settings.scopes !== undefined && settings.scopes(claims).length > 0) {
        // RFC 6750 §3: `scope` names every scope this resource needs, not only the missing ones.
        const description = 'the access token does not grant the required scope';
        return challenge(settings, 403, 'insufficient_scope', description, settings.requiredScopes);
      }
      if (settings.claims !== undefined && (await settings.claims(claims)) !== true) {
        return challenge(
          settings,
          403,
          'insufficient_scope',
          'the access token does not grant access to this resource',
        );
      }
      if (settings.userAuthentication !== undefined) {
        checkUserAuthentication(
          claims as { acr?: unknown; auth_time?: unknown },
          settings.userAuthentication,
          settings.now() / 1000,
        );
      }
      return { ok: true, claims };
    } catch (error) {
      return failureFor(settings, error, token);
    }
  };
}

function failureFor<C>(settings: Settings<C>, error: unknown, token: string): BearerFailure {
  const disposition = isJoseError(error) ? DISPOSITION[error.code] : 'server_error';
  if (disposition === 'step_up' && isJoseError(error)) {
    const required = settings.userAuthentication;
    return challenge(settings, 401, 'insufficient_user_authentication', error.message, undefined, {
      acrValues: required?.acrValues,
      maxAge: required?.maxAge,
    });
  }
  if (disposition === 'invalid_token' && isJoseError(error)) {
    return challenge(settings, 401, 'invalid_token', safeDescription(error.message, error.code, token));
  }
  report(settings, error);
  if (disposition === 'unavailable') {
    return failure(
      503,
      { 'retry-after': String(settings.retryAfter) },
      {
        error: 'temporarily_unavailable',
        error_description: 'the keys to verify access tokens are unavailable; try again later',
      },
    );
  }
  return failure(500, {}, { error: 'server_error' });
}

// The description is the JoseError's message, which by contract never contains the token. We check
// anyway: if the token or any of its segments appears, the generic text for the code is used instead.
function safeDescription(message: string, code: JoseErrorCode, token: string): string {
  const echoes =
    message.includes(token) || token.split('.').some((part) => part.length >= 8 && message.includes(part));
  return descriptionText(echoes || message === '' ? JOSE_ERROR_CODES[code] : message);
}

function report<C>(settings: Settings<C>, error: unknown): void {
  try {
    settings.onError?.(error);
  } catch {
    // A failing logger must not turn a 503 into an unhandled rejection.
  }
}

function challenge<C>(
  settings: Settings<C>,
  status: 400 | 401 | 403,
  error: BearerErrorCode | undefined,
  description: string | undefined,
  scope?: readonly string[],
  stepUp: { readonly acrValues?: readonly string[] | undefined; readonly maxAge?: number | undefined } = {},
): BearerFailure {
  const header = bearerChallenge({
    realm: settings.realm,
    error,
    errorDescription: description,
    scope,
    acrValues: stepUp.acrValues,
    maxAge: stepUp.maxAge,
    resourceMetadata: settings.resourceMetadata,
  });
  // RFC 6750 §3.1: no error code when the request had no token at all (a client that did not know
  // authentication was needed); the body still says what to do.
  const body: BearerErrorBody =
    error === undefined
      ? { error_description: 'an access token is required in the Authorization header (Bearer scheme)' }
      : { error, ...(description === undefined ? {} : { error_description: descriptionText(description) }) };
  return failure(status, { 'www-authenticate': header }, body);
}

function failure(
  status: BearerFailure['status'],
  extra: Record<string, string>,
  body: BearerErrorBody,
): BearerFailure {
  return {
    ok: false,
    status,
    // RFC 6750 §5.3 / RFC 6749 §5.1: responses about tokens must not be cached.
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
    body,
  };
}
