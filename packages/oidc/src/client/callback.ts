import { timingSafeEqual } from 'node:crypto';
import { OidcClientError, safeErrorCode } from './errors.js';

export interface CallbackCheck {
  /** The state this browser's login started with. */
  readonly state: string;
  /** The issuer the login was sent to. */
  readonly issuer: string;
  /** The provider advertises `authorization_response_iss_parameter_supported` (RFC 9207 §3). */
  readonly issParameterSupported: boolean;
}

/**
 * Reads an authorization response (RFC 6749 §4.1.2) and returns the code, after the checks that
 * come before any exchange:
 * - every parameter at most once (a repeated one is ambiguous, so the response is refused);
 * - `state` equals the login's (RFC 9700 §4.7; compared in constant time);
 * - `iss` equals the issuer, and is required when the provider advertises it (RFC 9207 §2.4) —
 *   checked before `error` too, since an error response carries `iss` as well (RFC 9207 §2);
 * - `error` becomes ERR_CLIENT_AUTHORIZATION_DENIED carrying the well-formed code only.
 */
export function checkAuthorizationResponse(params: URLSearchParams, check: CallbackCheck): string {
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) {
      throw new OidcClientError('ERR_CLIENT_CALLBACK_INVALID', `the parameter ${safeName(name)} is repeated`);
    }
  }
  const state = params.get('state');
  if (state === null || !equalSecrets(state, check.state))
    throw new OidcClientError('ERR_CLIENT_STATE_MISMATCH');
  const iss = params.get('iss');
  if (iss === null ? check.issParameterSupported : iss !== check.issuer) {
    throw new OidcClientError('ERR_CLIENT_ISSUER_MISMATCH');
  }
  const error = params.get('error');
  if (error !== null) {
    const code = safeErrorCode(error);
    throw new OidcClientError(
      'ERR_CLIENT_AUTHORIZATION_DENIED',
      code === undefined ? 'the provider refused the authorization request' : `the provider answered ${code}`,
      code === undefined ? {} : { error: code },
    );
  }
  const code = params.get('code');
  if (code === null || code === '')
    throw new OidcClientError('ERR_CLIENT_CALLBACK_INVALID', 'the response has no code');
  return code;
}

/** Constant-time string equality (DESIGN: compare secrets in constant time). */
export function equalSecrets(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function safeName(name: string): string {
  return /^[a-z_]{1,32}$/.test(name) ? name : '(unnamed)';
}
