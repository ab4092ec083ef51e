/**
 * The framework-neutral core of the Bearer middleware: a request's token parts in, claims or a complete
 * HTTP failure (status, headers, JSON body) out. Each adapter (node, express, fastify, hono) only
 * gathers a `BearerRequest` and writes the failure.
 */

import type { DpopSettings } from '../dpop/options.js';
import { verifyDpopProof } from '../dpop/verify-proof.js';
import { isJoseError, JOSE_ERROR_CODES, type JoseErrorCode } from '../jose/errors.js';
import { checkUserAuthentication } from '../jwt/user-authentication.js';
import { authScheme, type BearerRequest, extractBearerToken } from './bearer.js';
import { type BearerAuthOptions, checkOptions, type Settings } from './options.js';
import {
  type BearerErrorCode,
  bearerChallenge,
  type DpopErrorCode,
  descriptionText,
  dpopChallenge,
} from './www-authenticate.js';

/**
 * The JSON body of a failure. The description never contains the token. `error` is absent only when the
 * request had no token, mirroring the challenge (RFC 6750 §3.1).
 */
export interface BearerErrorBody {
  readonly error?: DpopErrorCode | 'temporarily_unavailable' | 'server_error';
  readonly error_description?: string;
}

export interface BearerFailure {
  readonly ok: false;
  readonly status: 400 | 401 | 403 | 500 | 503;
  /** Lower-case header names: `content-type`, `cache-control`, and `www-authenticate` (with `dpop-nonce`) or `retry-after`. */
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
  ERR_DPOP_PROOF_INVALID: 'invalid_token',
  ERR_DPOP_NONCE_REQUIRED: 'invalid_token',
};

/**
 * Builds the neutral authenticator. Options are checked now, with a TypeError naming the option, so a
 * misconfigured service fails at start, before any request.
 */
export function createBearerAuthenticator<C>(options: BearerAuthOptions<C>): BearerAuthenticator<C> {
  const settings = checkOptions(options);
  return async (request) => {
    if (settings.dpop !== undefined && request.authorization.some((value) => authScheme(value) === 'dpop')) {
      return authenticateDpop(settings, settings.dpop, request);
    }
    const extraction = extractBearerToken(request);
    // MCP authorization (2025-11-25, scope selection): a 401 names the scopes the route needs, so a
    // client asks for those rather than everything the metadata lists; RFC 6750 §3 allows `scope` here.
    if (extraction.kind === 'missing') {
      return challenge(settings, 'Bearer', 401, undefined, undefined, settings.requiredScopes);
    }
    if (extraction.kind === 'invalid_request') {
      return challenge(settings, 'Bearer', 400, 'invalid_request', extraction.description);
    }
    const { token } = extraction;
    if (settings.dpop?.required === true) {
      return challenge(
        settings,
        'DPoP',
        401,
        'invalid_token',
        'this resource accepts DPoP-bound access tokens only',
      );
    }
    try {
      const claims = await settings.verifier.verify(token);
      // RFC 9449 §7.2: a token bound to a key is worthless without a proof by that key, so it is
      // never accepted as a Bearer token — whether or not this resource accepts DPoP.
      if (boundJkt(claims) !== undefined) {
        return challenge(
          settings,
          'DPoP',
          401,
          'invalid_token',
          'a DPoP-bound access token must be sent with the DPoP scheme and a proof',
        );
      }
      return await authorize(settings, 'Bearer', claims);
    } catch (error) {
      return failureFor(settings, 'Bearer', error, token);
    }
  };
}

// RFC 9449 §7.1: `Authorization: DPoP <token>` plus exactly one `DPoP` proof header for it.
async function authenticateDpop<C>(
  settings: Settings<C>,
  dpop: DpopSettings,
  request: BearerRequest,
): Promise<BearerAuthResult<C>> {
  const match = request.authorization.length === 1 ? DPOP_CREDENTIALS.exec(request.authorization[0]!) : null;
  if (match === null) {
    return challenge(
      settings,
      'DPoP',
      400,
      'invalid_request',
      'the Authorization header must be sent once, as "DPoP" and one token',
    );
  }
  const token = match[1]!;
  const proofs = request.dpopProofs ?? [];
  if (proofs.length !== 1) {
    const description =
      proofs.length === 0 ? 'a DPoP proof header is required' : 'send exactly one DPoP header';
    return challenge(settings, 'DPoP', 401, 'invalid_dpop_proof', description);
  }
  const url = absoluteUrl(request, dpop.origin);
  if (url === undefined || request.method === undefined) {
    return challenge(settings, 'DPoP', 401, 'invalid_dpop_proof', 'the request URI is unknown');
  }
  try {
    const claims = await settings.verifier.verify(token);
    const jkt = boundJkt(claims);
    if (jkt === undefined) {
      return challenge(settings, 'DPoP', 401, 'invalid_token', 'the access token is not bound to a DPoP key');
    }
    await verifyDpopProof(
      proofs[0]!,
      { method: request.method, url, accessToken: token, expectedJkt: jkt },
      dpop,
    );
    return await authorize(settings, 'DPoP', claims);
  } catch (error) {
    if (isJoseError(error, 'ERR_DPOP_NONCE_REQUIRED') && dpop.nonces !== undefined) {
      // RFC 9449 §9: the fresh nonce goes in DPoP-Nonce; the client retries with it.
      const failed = challenge(settings, 'DPoP', 401, 'use_dpop_nonce', error.message);
      return { ...failed, headers: { ...failed.headers, 'dpop-nonce': dpop.nonces.current() } };
    }
    if (isJoseError(error, 'ERR_DPOP_PROOF_INVALID')) {
      return challenge(
        settings,
        'DPoP',
        401,
        'invalid_dpop_proof',
        safeDescription(error.message, error.code, token),
      );
    }
    return failureFor(settings, 'DPoP', error, token);
  }
}

// RFC 9449 §7.1: token68-like credentials after the DPoP scheme, as RFC 6750 §2.1 for Bearer.
const DPOP_CREDENTIALS = /^DPoP +([A-Za-z0-9\-._~+/]+=*)$/i;

async function authorize<C>(settings: Settings<C>, scheme: Scheme, claims: C): Promise<BearerAuthResult<C>> {
  // RFC 9470: a valid token whose sign-in is weaker or older than the resource needs. Throws a JoseError
  // the caller's failureFor answers with `insufficient_user_authentication`.
  if (settings.userAuthentication !== undefined) {
    checkUserAuthentication(
      claims as { acr?: unknown; auth_time?: unknown },
      settings.userAuthentication,
      settings.now() / 1000,
    );
  }
  if (settings.scopes !== undefined && settings.scopes(claims).length > 0) {
    // RFC 6750 §3: `scope` names every scope this resource needs, not only the missing ones.
    const description = 'the access token does not grant the required scope';
    return challenge(settings, scheme, 403, 'insufficient_scope', description, settings.requiredScopes);
  }
  if (settings.claims !== undefined && (await settings.claims(claims)) !== true) {
    return challenge(
      settings,
      scheme,
      403,
      'insufficient_scope',
      'the access token does not grant access to this resource',
    );
  }
  return { ok: true, claims };
}

/** The `cnf.jkt` a token is bound to (RFC 9449 §6.1), if any. */
function boundJkt(claims: unknown): string | undefined {
  const cnf = typeof claims === 'object' && claims !== null ? (claims as { cnf?: unknown }).cnf : undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}

/** The request's absolute URI for `htu`: the configured origin wins over what the request says. */
function absoluteUrl(request: BearerRequest, origin: string | undefined): string | undefined {
  const isAbsolute = /^https?:\/\//i.test(request.url);
  if (isAbsolute && !URL.canParse(request.url)) return undefined;
  const target = isAbsolute ? new URL(request.url) : undefined;
  const path = target === undefined ? request.url : `${target.pathname}${target.search}`;
  const base = origin ?? target?.origin ?? request.origin;
  if (base === undefined || !path.startsWith('/')) return undefined;
  return URL.canParse(`${base}${path}`) ? `${base}${path}` : undefined;
}

function failureFor<C>(settings: Settings<C>, scheme: Scheme, error: unknown, token: string): BearerFailure {
  const disposition = isJoseError(error) ? DISPOSITION[error.code] : 'server_error';
  if (disposition === 'step_up' && isJoseError(error)) {
    const required = settings.userAuthentication;
    return challenge(settings, scheme, 401, 'insufficient_user_authentication', error.message, undefined, {
      acrValues: required?.acrValues,
      maxAge: required?.maxAge,
    });
  }
  if (disposition === 'invalid_token' && isJoseError(error)) {
    return challenge(
      settings,
      scheme,
      401,
      'invalid_token',
      safeDescription(error.message, error.code, token),
    );
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

type Scheme = 'Bearer' | 'DPoP';

/**
 * The failure with its challenge in the scheme that failed. A request with no credentials learns
 * every scheme this resource accepts (RFC 9110 §11.6.1: one header may list several challenges).
 */
function challenge<C>(
  settings: Settings<C>,
  scheme: Scheme,
  status: 400 | 401 | 403,
  error: DpopErrorCode | undefined,
  description: string | undefined,
  scope?: readonly string[],
  stepUp: { readonly acrValues?: readonly string[] | undefined; readonly maxAge?: number | undefined } = {},
): BearerFailure {
  const params = {
    realm: settings.realm,
    error,
    errorDescription: description,
    scope,
    acrValues: stepUp.acrValues,
    maxAge: stepUp.maxAge,
    resourceMetadata: settings.resourceMetadata,
  };
  const dpop = settings.dpop;
  const dpopHeader = dpop === undefined ? undefined : dpopChallenge({ ...params, algs: dpop.algorithms });
  let header: string;
  if (error === undefined && dpop !== undefined) {
    header = dpop.required
      ? dpopHeader!
      : `${bearerChallenge({ ...params, error: undefined })}, ${dpopHeader!}`;
  } else if (scheme === 'DPoP') {
    header = dpopHeader ?? dpopChallenge(params);
  } else {
    // Only RFC 6750 codes are ever raised under the Bearer scheme.
    header = bearerChallenge({ ...params, error: error as BearerErrorCode | undefined });
  }
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
