// @latchkey/oidc — the public API. Every export is documented in packages/oidc/README.md.

// --- jose: errors, algorithms, types ---
export { ALGORITHMS, ALGORITHM_NAMES, ASYMMETRIC_ALGORITHMS, isJwsAlgorithm } from './jose/algorithms.js';
export type { AlgorithmFamily, AlgorithmSpec, Curve, HashName, JwsAlgorithm, KeyType } from './jose/algorithms.js';
export { isJoseError, JOSE_ERROR_CODES, JoseError } from './jose/errors.js';
export type { JoseErrorCode, JoseErrorDetails } from './jose/errors.js';
export type { JoseKey, Jwk, JwkSet, JwsHeader, KeySet } from './jose/types.js';

// --- jose: JWS, JWK, generation, thumbprints ---

// --- jwt and key sets ---
export type { ClaimFailureReason, ClaimsValidationOptions, JwtClaims } from './jwt/claims.js';
export {
  ClaimsValidator,
  createClaimsValidator,
  DEFAULT_CLOCK_TOLERANCE,
  MAX_EXP_HORIZON,
  validateClaims,
} from './jwt/claims.js';
export { parseDuration } from './lib/duration.js';

// --- http: Bearer middleware ---
