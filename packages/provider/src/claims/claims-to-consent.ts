import { claimsForScopes } from '../scopes/index.js';
import { parseClaimsRequest } from './claims-request.js';
import { requestedClaimNames } from './requested-claims.js';

/**
 * The claims an authorization request asks for by name (OIDC Core §5.5, both `userinfo` and
 * `id_token`) that would be released and that its own scopes do not release: the person must see and
 * approve these one by one, since the scope lines on the consent page do not cover them (issue 20:
 * `scope=openid` with `claims={"userinfo":{"email":null}}` released the email under "Sign you in").
 * `claims` is the request's normalised parameter; `clientScopes` the scopes the client is registered
 * for, which bound what the parameter can release (claims/requested-claims.ts).
 */
export function claimsToConsent(
  claims: string | undefined,
  requestScopes: readonly string[],
  clientScopes: readonly string[],
): string[] {
  if (claims === undefined) return [];
  const parsed = parseClaimsRequest(claims);
  const covered = claimsForScopes(requestScopes);
  const named = new Set([
    ...requestedClaimNames(parsed.userinfo, clientScopes),
    ...requestedClaimNames(parsed.idToken, clientScopes),
  ]);
  return [...named].filter((name) => !covered.has(name));
}

/** The claims among `claims` that an earlier consent covers: by name, or through a consented scope. */
export function consentedClaims(
  claims: readonly string[],
  consent: { readonly scopes: readonly string[]; readonly claims: readonly string[] } | undefined,
): Set<string> {
  if (consent === undefined) return new Set();
  const covered = new Set([...claimsForScopes(consent.scopes), ...consent.claims]);
  return new Set(claims.filter((name) => covered.has(name)));
}
