/**
 * The one error class of @latchkey/oidc. `code` is the stable contract callers switch on;
 * `message` is for humans and never contains the token, a secret or key material.
 *
 * Every code is listed (and documented) here and only here.
 */
export const JOSE_ERROR_CODES = {
  /** An argument or option passed by the caller is invalid (programming error). */
  ERR_JOSE_INVALID_ARGUMENT: 'an argument or option is invalid',
  /** The compact JWS is malformed: size, segments, base64url, UTF-8, JSON, header members. */
  ERR_JWS_INVALID: 'the JWS is malformed',
  /** The signature does not verify with the selected key. */
  ERR_JWS_SIGNATURE_INVALID: 'the JWS signature is invalid',
  /** The header's `alg` is not among the algorithms the caller allows (includes `none`). */
  ERR_JOSE_ALG_NOT_ALLOWED: 'the algorithm is not allowed',
  /** A feature the token asks for is not supported: unknown `crit`, `b64: false`, nested JWT, JWE. */
  ERR_JOSE_NOT_SUPPORTED: 'the token uses an unsupported feature',
  /** A JWK is malformed, or has members that contradict each other. */
  ERR_JWK_INVALID: 'the JWK is invalid',
  /** A key cannot be used as asked: wrong type or curve for the algorithm, too weak, public where private is needed. */
  ERR_KEY_INVALID: 'the key cannot be used for this operation',
  /** The JWT payload is not a JSON object, or a registered claim has the wrong type. */
  ERR_JWT_INVALID: 'the JWT claims set is invalid',
  /** `exp` is at or before now (minus the clock tolerance). */
  ERR_JWT_EXPIRED: 'the JWT has expired',
  /** A claim check failed: iss, aud, nbf, iat, typ, azp, max age, required claim. See `claim`. */
  ERR_JWT_CLAIM_INVALID: 'a JWT claim check failed',
  /**
   * The token is valid but the user's authentication is not enough for this resource: `acr` not among
   * the required values, or `auth_time` older than the allowed age (RFC 9470 §3). See `claim`.
   */
  ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION: 'the user authentication is insufficient',
  /** No key in the key set matches the token's `kid` / `alg`. */
  ERR_JWKS_NO_MATCHING_KEY: 'no key in the key set matches',
  /** More than one key matches and the token names no `kid` to choose. */
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'several keys match and the token has no kid',
  /** The JWKS document is malformed. */
  ERR_JWKS_INVALID: 'the JWKS is invalid',
  /** Fetching the JWKS or discovery document timed out. */
  ERR_JWKS_TIMEOUT: 'fetching the key set timed out',
  /** Fetching the JWKS or discovery document failed (status, size, redirect, network). */
  ERR_JWKS_FETCH_FAILED: 'fetching the key set failed',
  /** The discovery document is malformed or its `issuer` differs from the configured one. */
  ERR_DISCOVERY_INVALID: 'the discovery document is invalid',
  /** A DPoP proof (RFC 9449 §4) is missing, malformed, replayed, or not for this request or key. */
  ERR_DPOP_PROOF_INVALID: 'the DPoP proof is invalid',
  /** The DPoP proof lacks the server's current nonce (RFC 9449 §8, §9): retry with `DPoP-Nonce`. */
  ERR_DPOP_NONCE_REQUIRED: 'the DPoP proof must carry the current server nonce',
} as const;

export type JoseErrorCode = keyof typeof JOSE_ERROR_CODES;

export interface JoseErrorDetails {
  /** The claim a ERR_JWT_CLAIM_INVALID / ERR_JWT_EXPIRED error is about (`iss`, `aud`, `exp`, …). */
  claim?: string;
  /** A short machine-readable reason, e.g. `missing`, `mismatch`, `type`. */
  reason?: string;
  cause?: unknown;
}

export class JoseError extends Error {
  override readonly name = 'JoseError';
  readonly code: JoseErrorCode;
  readonly claim: string | undefined;
  readonly reason: string | undefined;

  constructor(code: JoseErrorCode, message: string = JOSE_ERROR_CODES[code], details: JoseErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.claim = details.claim;
    this.reason = details.reason;
  }
}

export function isJoseError(value: unknown, code?: JoseErrorCode): value is JoseError {
  return value instanceof JoseError && (code === undefined || value.code === code);
}
