import { parseClaimsRequest } from '../../claims/claims-request.js';
import type { MfaPolicy } from '../../store/types.js';
import { ACR, type Acr, acrOf, acrRank, isAcr } from './acr.js';

/** What an authorization request needs the sign-in to reach, from its parameters and the client's policy. */
export interface AcrRequirement {
  /** The weakest class that satisfies the request. */
  readonly acr: Acr;
  /**
   * Unmet → an error to the client, never a weaker token (OIDC Core §5.5.1.1, F4): the `claims`
   * parameter asked for `acr` as essential, or the client's (or provider's) `mfa: required` does.
   */
  readonly essential: boolean;
  /** `mfa: required` by the client or the provider's default: a user with no second factor must enrol one. */
  readonly byPolicy: boolean;
  /** The essential values named none this provider supports: nothing can meet them. */
  readonly unsupported?: true;
}

/** One factor is enough; nothing essential. */
export const NO_REQUIREMENT: AcrRequirement = { acr: ACR.pwd, essential: false, byPolicy: false };

export interface AcrRequirementInput {
  /** `acr_values` (OIDC Core §3.1.2.1): voluntary, in order of preference. */
  readonly acrValues: readonly string[];
  /** The `claims` parameter, normalised JSON (OIDC Core §5.5.1.1: `acr` may be essential). */
  readonly claims: string | undefined;
  /** The client's `mfa`, else the provider's default. */
  readonly mfa: MfaPolicy;
}

/**
 * Decides which class a request must reach. Of several acceptable values the weakest supported one is
 * enough (each listed value is acceptable to the client); unsupported ones are ignored when voluntary.
 * The strongest of the three sources wins.
 */
export function acrRequirement(input: AcrRequirementInput): AcrRequirement {
  let requirement: AcrRequirement = NO_REQUIREMENT;
  const raise = (candidate: AcrRequirement) => {
    if (
      acrRank(candidate.acr) > acrRank(requirement.acr) ||
      (acrRank(candidate.acr) === acrRank(requirement.acr) && candidate.essential && !requirement.essential)
    ) {
      requirement = { ...candidate, byPolicy: candidate.byPolicy || requirement.byPolicy };
    } else if (candidate.essential && !requirement.essential) {
      requirement = { ...requirement, essential: true };
    }
  };
  const voluntary = weakestSupported(input.acrValues);
  if (voluntary !== undefined) raise({ acr: voluntary, essential: false, byPolicy: false });
  const essential = essentialAcrValues(input.claims);
  if (essential !== undefined) {
    const weakest = weakestSupported(essential);
    if (weakest === undefined) return { ...NO_REQUIREMENT, essential: true, unsupported: true };
    raise({ acr: weakest, essential: true, byPolicy: false });
  }
  if (input.mfa === 'required') raise({ acr: ACR.mfa, essential: true, byPolicy: true });
  return requirement;
}

function weakestSupported(values: readonly string[]): Acr | undefined {
  const supported = values.filter(isAcr);
  if (supported.length === 0) return undefined;
  return supported.reduce((a, b) => (acrRank(b) < acrRank(a) ? b : a));
}

/** The `acr` values the `claims` parameter demands as essential (id_token or userinfo member), if it does. */
function essentialAcrValues(claims: string | undefined): readonly string[] | undefined {
  if (claims === undefined) return undefined;
  const request = parseClaimsRequest(claims);
  for (const member of [request.idToken, request.userinfo]) {
    const acr = member.get('acr');
    if (acr?.essential !== true) continue;
    const values = acr.values ?? (acr.value === undefined ? [] : [acr.value]);
    const strings = values.filter((v): v is string => typeof v === 'string');
    // Essential with no value: any acr is acceptable, so one factor meets it.
    return strings.length === 0 ? [ACR.pwd] : strings;
  }
  return undefined;
}

/** What a sign-in with methods `amr` still needs to meet `requirement`, given the user's enrolled factors. */
export type AuthenticationGap =
  | { readonly status: 'met' }
  /** Ask for one of these enrolled factors (their RFC 8176 amr values). */
  | { readonly status: 'missing'; readonly methods: readonly string[] }
  /** `mfa: required` and the user has no second factor: they must enrol one first. */
  | { readonly status: 'enrol' }
  /** Essential and beyond anything the user can present: an error, never a weaker token (F4). */
  | { readonly status: 'unmet' };

/**
 * The gap between the factors used and the factors needed. A user who enrolled a second factor always
 * uses it: a password alone never signs them in (an enrolled factor protects every sign-in, and still
 * applies after a password reset). Voluntary classes the user cannot reach are let go (best effort,
 * OIDC Core §3.1.2.1); the token then says truthfully what was reached.
 */
export function authenticationGap(
  requirement: AcrRequirement,
  amr: readonly string[],
  enrolled: readonly string[],
): AuthenticationGap {
  if (requirement.unsupported) return { status: 'unmet' };
  const target =
    enrolled.length > 0 ? Math.max(acrRank(requirement.acr), acrRank(ACR.mfa)) : acrRank(requirement.acr);
  if (acrRank(acrOf(amr)) >= target) return { status: 'met' };
  const helpful = enrolled.filter(
    (method) => !amr.includes(method) && acrRank(acrOf([...amr, method])) >= target,
  );
  if (helpful.length > 0) return { status: 'missing', methods: helpful };
  if (!requirement.essential) return { status: 'met' };
  if (requirement.byPolicy && enrolled.length === 0 && acrRank(requirement.acr) <= acrRank(ACR.mfa)) {
    return { status: 'enrol' };
  }
  return { status: 'unmet' };
}
