export {
  type ClaimRequest,
  type ClaimsRequest,
  EMPTY_CLAIMS_REQUEST,
  parseClaimsRequest,
} from './claims-request.js';
export { requestedClaimNames } from './requested-claims.js';
export { userClaims } from './user-claims.js';
