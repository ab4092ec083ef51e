export { describeClaim } from './claim-descriptions.js';
export {
  type ClaimRequest,
  type ClaimsRequest,
  EMPTY_CLAIMS_REQUEST,
  parseClaimsRequest,
} from './claims-request.js';
export { claimsToConsent, consentedClaims } from './claims-to-consent.js';
export { withGroupsIfReleased } from './groups.js';
export { requestedClaimNames } from './requested-claims.js';
export { type ClaimSubject, userClaims } from './user-claims.js';
