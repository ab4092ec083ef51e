import { type UserAuthenticationRequirement, userAuthenticationRequirement } from '@latchkey/oidc';

/**
 * Sending a browser back through the provider for step-up (RFC 9470 §4): the gateway's /start carries
 * what the route needs, and the authorization request asks for it. The `acr` goes both as `acr_values`
 * and as an essential claim (OIDC Core §5.5.1.1), so a provider that cannot reach it answers with an
 * error instead of a weaker sign-in the route would refuse again (a redirect loop).
 */

/** The query of /start: the provider, where to return, and the step-up when there is one. */
export function startQuery(
  outcome: { readonly provider?: string; readonly stepUp?: UserAuthenticationRequirement | undefined },
  returnTo: string,
): string {
  const query = new URLSearchParams(outcome.provider === undefined ? {} : { provider: outcome.provider });
  query.set('rd', returnTo);
  const acr = outcome.stepUp?.acrValues;
  if (acr !== undefined) query.set('acr_values', acr.join(' '));
  const maxAge = outcome.stepUp?.maxAge;
  if (maxAge !== undefined) query.set('max_age', String(Math.floor(maxAge)));
  return query.toString();
}

/**
 * The step-up /start was asked for; undefined when none or malformed (then it is an ordinary sign-in:
 * the route checks the result anyway, so a forged query can only ask for more, never let in with less).
 */
export function stepUpFromQuery(query: URLSearchParams): UserAuthenticationRequirement | undefined {
  const acr = query.get('acr_values');
  const maxAge = query.get('max_age');
  try {
    return userAuthenticationRequirement(
      acr === null ? undefined : acr.split(' ').filter((v) => v !== ''),
      maxAge === null || !/^\d{1,9}$/.test(maxAge) ? undefined : Number(maxAge),
    );
  } catch {
    return undefined;
  }
}

/** The authorization request parameters of a step-up. */
export function stepUpParams(stepUp: UserAuthenticationRequirement | undefined): Record<string, string> {
  if (stepUp === undefined) return {};
  const params: Record<string, string> = {};
  if (stepUp.acrValues !== undefined) {
    params['acr_values'] = stepUp.acrValues.join(' ');
    params['claims'] = JSON.stringify({ id_token: { acr: { essential: true, values: stepUp.acrValues } } });
  }
  if (stepUp.maxAge !== undefined) params['max_age'] = String(Math.floor(stepUp.maxAge));
  return params;
}
