// @latchkey/oidc — the public API. Every export is documented in packages/oidc/README.md.
// biome-ignore-all assist/source/organizeImports: exports are grouped in owned sections (one per layer), not sorted across the file

// --- jose: errors, algorithms, types ---
export { ALGORITHMS, ALGORITHM_NAMES, ASYMMETRIC_ALGORITHMS, isJwsAlgorithm } from './jose/algorithms.js';
export type {
  AlgorithmFamily,
  AlgorithmSpec,
  Curve,
  HashName,
  JwsAlgorithm,
  KeyType,
} from './jose/algorithms.js';
export { isJoseError, JOSE_ERROR_CODES, JoseError } from './jose/errors.js';
export type { JoseErrorCode, JoseErrorDetails } from './jose/errors.js';
export type { JoseKey, Jwk, JwkSet, JwsHeader, KeySet } from './jose/types.js';

// --- jose: JWS, JWK, generation, thumbprints ---
export { decodeBase64url, encodeBase64url } from './jose/base64url.js';
export { parseJsonObject } from './jose/json.js';
export type { ExportJwkOptions } from './jose/jwk/export.js';
export { exportJwk } from './jose/jwk/export.js';
export type { GeneratedKeyPair, GenerateKeyPairOptions } from './jose/jwk/generate.js';
export { generateKeyPair, generateSecret } from './jose/jwk/generate.js';
export type { ImportJwkOptions } from './jose/jwk/import.js';
export { importJwk, importKeyObject } from './jose/jwk/import.js';
export { jwkThumbprint } from './jose/jwk/thumbprint.js';
export type { ParsedJws, ParseJwsOptions } from './jose/jws/parse.js';
export { parseCompactJws } from './jose/jws/parse.js';
export { signJws } from './jose/jws/sign.js';
export type { VerifiedJws, VerifyJwsOptions } from './jose/jws/verify.js';
export { verifyJws, verifySignature } from './jose/jws/verify.js';

// --- jwt and key sets ---
export type { ClaimFailureReason, ClaimsValidationOptions, JwtClaims } from './jwt/claims.js';
export {
  ClaimsValidator,
  createClaimsValidator,
  DEFAULT_CLOCK_TOLERANCE,
  MAX_EXP_HORIZON,
  validateClaims,
} from './jwt/claims.js';
export type { SignJwtOptions } from './jwt/sign.js';
export {
  checkUserAuthentication,
  type UserAuthenticationRequirement,
  userAuthenticationRequirement,
} from './jwt/user-authentication.js';
export { signJwt } from './jwt/sign.js';
export { unverifiedIssuer } from './jwt/unverified-issuer.js';
export type { JwtVerifierOptions, VerifiedJwt, VerifyJwtOptions } from './jwt/verify.js';
export type { VerifiedTokenCacheOptions } from './jwt/verified-cache.js';
export { createJwtVerifier, JwtVerifier, verifyJwt } from './jwt/verify.js';
export type { FetchDiscoveryOptions, ProviderMetadata } from './keys/discovery.js';
export { discoveryUrl, fetchDiscovery } from './keys/discovery.js';
export type { KeySelector, LocalKeySetFromJwksOptions } from './keys/local.js';
export { LocalKeySet } from './keys/local.js';
export type { JwksUrlSource, RemoteKeySetOptions } from './keys/remote.js';
export {
  DEFAULT_CACHE_MAX_AGE,
  DEFAULT_COOLDOWN,
  DEFAULT_MAX_STALENESS,
  RemoteKeySet,
} from './keys/remote.js';
export { parseDuration } from './lib/duration.js';
export { readBoundedBody } from './lib/read-bounded-body.js';
export type { FetchLimitOptions } from './lib/fetch-json.js';
export { DEFAULT_FETCH_TIMEOUT, DEFAULT_MAX_FETCH_SIZE } from './lib/fetch-json.js';
export type { CreateVerifierOptions, Verifier } from './verifier.js';
export { createVerifier } from './verifier.js';

// --- http: Bearer middleware ---
// The Express, Fastify and Hono adapters are subpath exports (@latchkey/oidc/express, /fastify, /hono), so
// this entry's types never name a framework a user may not have installed.
export type {
  BearerAuthenticator,
  BearerAuthResult,
  BearerErrorBody,
  BearerFailure,
} from './http/authenticate.js';
export { createBearerAuthenticator } from './http/authenticate.js';
export type { BearerExtraction, BearerRequest } from './http/bearer.js';
export { extractBearerToken } from './http/bearer.js';
export type { NodeBearerAuth } from './http/node.js';
export { bearerAuth, protectedResourceMetadata, withBearerAuth } from './http/node.js';
export type {
  MetadataResponse,
  ProtectedResource,
  ProtectedResourceOptions,
} from './http/protected-resource.js';
export { createProtectedResource, PROTECTED_RESOURCE_WELL_KNOWN } from './http/protected-resource.js';
export type { BearerAuthOptions, TokenVerifier } from './http/options.js';
export type { ScopeCheck } from './http/scopes.js';
export { requireScopes } from './http/scopes.js';
export type { BearerChallengeParams, BearerErrorCode } from './http/www-authenticate.js';
export { bearerChallenge } from './http/www-authenticate.js';

// --- dpop: sender-constrained tokens (RFC 9449) ---
export type { DpopNonceSource, DpopNoncesOptions } from './dpop/nonce.js';
export { createDpopNonces } from './dpop/nonce.js';
export type { DpopOptions } from './dpop/options.js';
export type { DpopReplayCache, MemoryReplayCacheOptions } from './dpop/replay-cache.js';
export { MemoryReplayCache } from './dpop/replay-cache.js';
export type { DpopProofPolicy, DpopProofRequest, VerifiedDpopProof } from './dpop/verify-proof.js';
export { accessTokenHash, DEFAULT_DPOP_ALGORITHMS, verifyDpopProof } from './dpop/verify-proof.js';
export { normaliseHtu } from './dpop/htu.js';
export type { DpopChallengeParams, DpopErrorCode } from './http/www-authenticate.js';
export { dpopChallenge } from './http/www-authenticate.js';

// --- client: relying party ---
export type { CreateDpopProofOptions, DpopKeyPair } from './client/dpop.js';
export { createDpopProof, DpopProver } from './client/dpop.js';
export type { CallbackCheck } from './client/callback.js';
export { checkAuthorizationResponse } from './client/callback.js';
export { tokenHash } from './client/claim-hash.js';
export type {
  AuthorizationStart,
  EndSessionOptions,
  IdTokenClaims,
  LoginTokenSet,
  OidcClient,
  OidcClientOptions,
  PendingAuthorization,
  StartAuthorizationOptions,
  TokenSet,
} from './client/client.js';
export { createOidcClient } from './client/client.js';
export type { ClientErrorCode } from './client/errors.js';
export { CLIENT_ERROR_CODES, isOidcClientError, OidcClientError } from './client/errors.js';
export type { LogoutTokenClaims } from './client/logout-token.js';
export { BACKCHANNEL_LOGOUT_EVENT } from './client/logout-token.js';
export type { RandomBytes } from './client/random.js';
export { pkceChallenge, randomToken } from './client/random.js';
