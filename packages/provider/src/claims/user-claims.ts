import { claimsForScopes, GROUPS_CLAIM, SCOPES } from '../scopes/index.js';
import type { UserRecord } from '../store/types.js';

/** A user as claims are read from it: the record, and the group names when they were looked up. */
export type ClaimSubject = UserRecord & { readonly groups?: readonly string[] };

/**
 * The values a user has for the standard claims (OIDC Core §5.1), by claim name. Claims the user has
 * no value for are absent (§5.3.2: "If a Claim is not returned, that Claim Name SHOULD be omitted").
 * `preferred_username` falls back to the username; `updated_at` is the record's last change; `groups`
 * is the list looked up for this token (an empty list is released as one: "in no group" is an answer).
 */
function standardClaimValue(user: ClaimSubject, name: string): unknown {
  switch (name) {
    case GROUPS_CLAIM:
      return user.groups === undefined ? undefined : [...user.groups];
    case 'email':
      return user.email ?? undefined;
    case 'email_verified':
      return user.email === null ? undefined : user.emailVerified;
    case 'preferred_username':
      return user.profile.preferred_username ?? user.username;
    case 'updated_at':
      return user.updatedAt;
    default:
      return Object.hasOwn(user.profile, name)
        ? user.profile[name as keyof UserRecord['profile']]
        : undefined;
  }
}

/** Every claim any scope can release: the only names this module will ever read from a user. */
const KNOWN_CLAIMS: ReadonlySet<string> = claimsForScopes(SCOPES.map((scope) => scope.name));

/**
 * The claims of `user` named in `names` (besides `sub`, which the caller sets), limited to the standard
 * claims of the scope registry: an unknown name never reads anything off the record.
 */
export function userClaims(user: ClaimSubject, names: Iterable<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const name of names) {
    if (name === 'sub' || !KNOWN_CLAIMS.has(name)) continue;
    const value = standardClaimValue(user, name);
    if (value !== undefined && value !== null) claims[name] = value;
  }
  return claims;
}
