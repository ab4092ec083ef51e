export {
  ACCESS_TOKEN_TYP,
  accessTokenClaims,
  GRANT_ID_CLAIM,
  signAccessToken,
  USERINFO_CLAIMS_CLAIM,
} from './access-token.js';
export { type AccessTokenVerifier, createAccessTokenVerifier } from './access-token-verifier.js';
export { accessTokenAudience, userinfoAudience } from './audience.js';
export { idTokenClaims, signIdToken } from './id-token.js';
export { hashOpaqueToken } from './opaque-hash.js';
export {
  type ClientTokenInput,
  createTokenIssuer,
  type IssuedTokens,
  type MachineTokenInput,
  type SignInTokenInput,
  type TokenIssuer,
  type TokenSettings,
} from './sign-in-tokens.js';
export { tokenHash } from './token-hash.js';
