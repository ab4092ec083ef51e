/**
 * The errors of the relying-party client (`client/`). Token signature and claim failures of the
 * ID token stay JoseErrors (ERR_JWS_*, ERR_JWT_*); these codes are the flow's own checks.
 * `code` is the contract; messages never hold a code, a token, a state, a nonce or a secret.
 */
export const CLIENT_ERROR_CODES = {
  /** The provider metadata lacks an endpoint the client needs, or names a non-https one. */
  ERR_CLIENT_METADATA_INVALID: 'the provider metadata cannot be used',
  /** The callback has no code, repeats a parameter, or is otherwise malformed. */
  ERR_CLIENT_CALLBACK_INVALID: 'the authorization response is malformed',
  /** The provider answered the authorization request with an error (`error` names its code). */
  ERR_CLIENT_AUTHORIZATION_DENIED: 'the provider refused the authorization request',
  /** `state` is missing or is not the one this browser's login started with (RFC 9700 §4.7). */
  ERR_CLIENT_STATE_MISMATCH: 'the state does not match this login',
  /** `iss` is missing where the provider promises it, or names another issuer (RFC 9207 §2.4). */
  ERR_CLIENT_ISSUER_MISMATCH: 'the authorization response comes from another issuer',
  /** The token endpoint could not be reached, timed out, or answered with an error. */
  ERR_CLIENT_TOKEN_REQUEST_FAILED: 'the token request failed',
  /** The token endpoint answered 200 with a body that is not a valid token response. */
  ERR_CLIENT_TOKEN_RESPONSE_INVALID: 'the token response is invalid',
  /** The ID token's `nonce` is missing or differs from the one this login sent (OIDC Core §3.1.3.7). */
  ERR_CLIENT_NONCE_MISMATCH: 'the ID token nonce does not match this login',
  /** `at_hash` or `c_hash` does not match the token or code (OIDC Core §3.1.3.6, §3.3.2.11). */
  ERR_CLIENT_HASH_MISMATCH: 'the ID token hash claim does not match',
  /** A refreshed ID token names another subject or issuer than the session's (OIDC Core §12.2). */
  ERR_CLIENT_SUBJECT_MISMATCH: 'the refreshed ID token names another subject',
  /** A back-channel logout token breaks a rule of OIDC Back-Channel Logout §2.6. */
  ERR_CLIENT_LOGOUT_TOKEN_INVALID: 'the logout token is invalid',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

export class OidcClientError extends Error {
  override readonly name = 'OidcClientError';
  readonly code: ClientErrorCode;
  /** For ERR_CLIENT_AUTHORIZATION_DENIED and ERR_CLIENT_TOKEN_REQUEST_FAILED: the OAuth `error` code, when sent. */
  readonly error: string | undefined;

  constructor(
    code: ClientErrorCode,
    message: string = CLIENT_ERROR_CODES[code],
    details: { error?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.error = details.error;
  }
}

export function isOidcClientError(value: unknown, code?: ClientErrorCode): value is OidcClientError {
  return value instanceof OidcClientError && (code === undefined || value.code === code);
}

// RFC 6749 §5.2 error codes are %x20-21 / %x23-5B / %x5D-7E; anything else is not echoed.
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/** The provider's `error` value if it is a well-formed short code, for messages and `error`. */
export function safeErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && ERROR_CODE.test(value) ? value : undefined;
}
