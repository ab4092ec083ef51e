/**
 * The scope registry: each scope the provider understands, what it means to a person (consent page) and
 * which claims it releases (OIDC Core §5.4). Discovery's `scopes_supported` and `claims_supported`, the
 * consent page, the ID token and UserInfo all read this one list.
 */
export interface ScopeDefinition {
  readonly name: string;
  /** Shown on the consent page: what the application will be able to see or do. */
  readonly description: string;
  /** The claims this scope releases (OIDC Core §5.4); empty for scopes that release none. */
  readonly claims: readonly string[];
  /**
   * True for a scope a client may hold for itself, with no person (client_credentials): the admin API's.
   * Every other registered scope concerns a person and means nothing without one.
   */
  readonly withoutUser?: boolean;
}

/** The admin API (issue 15): every operation, and the read-only subset (GET). */
export const ADMIN_SCOPE = 'latchkey:admin';
export const ADMIN_READ_SCOPE = 'latchkey:admin.read';

/** The claim listing the names of the groups a user is in (released under the `groups` scope). */
export const GROUPS_CLAIM = 'groups';

export const SCOPES: readonly ScopeDefinition[] = [
  { name: 'openid', description: 'Sign you in and know who you are', claims: ['sub'] },
  {
    name: 'profile',
    description: 'See your name and basic profile',
    claims: [
      'name',
      'family_name',
      'given_name',
      'middle_name',
      'nickname',
      'preferred_username',
      'profile',
      'picture',
      'website',
      'gender',
      'birthdate',
      'zoneinfo',
      'locale',
      'updated_at',
    ],
  },
  { name: 'email', description: 'See your email address', claims: ['email', 'email_verified'] },
  { name: 'address', description: 'See your postal address', claims: ['address'] },
  { name: 'phone', description: 'See your phone number', claims: ['phone_number', 'phone_number_verified'] },
  // Not an OIDC standard scope: the `groups` claim (an array of group names) that group-based policies
  // (the gateway's `group:NAME`) read, in ID tokens, UserInfo and access tokens.
  { name: 'groups', description: 'See the groups you belong to', claims: [GROUPS_CLAIM] },
  // OIDC Core §11: asks for a refresh token usable while the person is away.
  { name: 'offline_access', description: 'Stay signed in to the application while you are away', claims: [] },
  // Not OIDC scopes: access to the admin API (docs/admin-api.md), for a member of latchkey-admins or
  // an admin service client. The consent page says plainly what is being handed over.
  {
    name: ADMIN_SCOPE,
    description: 'Administer this sign-in service as you: change applications, users, groups and keys',
    claims: [],
    withoutUser: true,
  },
  {
    name: ADMIN_READ_SCOPE,
    description: 'See everything this sign-in service holds: applications, users, sessions and its audit log',
    claims: [],
    withoutUser: true,
  },
];

const BY_NAME = new Map(SCOPES.map((s) => [s.name, s]));

export function findScope(name: string): ScopeDefinition | undefined {
  return BY_NAME.get(name);
}

/** The claims released by a set of granted scopes. */
export function claimsForScopes(scopes: readonly string[]): Set<string> {
  const claims = new Set<string>();
  for (const scope of scopes) for (const claim of BY_NAME.get(scope)?.claims ?? []) claims.add(claim);
  return claims;
}
