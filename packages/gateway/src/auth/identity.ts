/** Who is calling, as the policies and the upstream headers see it. */
export interface Identity {
  /** The provider (config id) that vouched for this identity. */
  readonly provider: string;
  readonly subject: string;
  /** For the user header: `preferred_username`, else `email`, else `sub`. */
  readonly user: string;
  readonly email: string | undefined;
  readonly groups: readonly string[];
  readonly scopes: ReadonlySet<string>;
  readonly claims: Readonly<Record<string, unknown>>;
  /** The access token to forward upstream, when there is one. */
  readonly accessToken: string | undefined;
}

/** Builds an identity from verified claims (ID token or access token) and the granted scopes. */
export function identityFromClaims(
  provider: string,
  claims: Readonly<Record<string, unknown>>,
  options: { groupsClaim: string; accessToken: string | undefined },
): Identity {
  const sub = typeof claims['sub'] === 'string' ? claims['sub'] : '';
  const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
  const username =
    typeof claims['preferred_username'] === 'string' ? claims['preferred_username'] : undefined;
  const rawGroups = claims[options.groupsClaim];
  const groups = Array.isArray(rawGroups)
    ? rawGroups.filter((g): g is string => typeof g === 'string')
    : typeof rawGroups === 'string'
      ? [rawGroups]
      : [];
  return {
    provider,
    subject: sub,
    user: username ?? email ?? sub,
    email,
    groups,
    scopes: grantedScopes(claims),
    claims,
    accessToken: options.accessToken,
  };
}

// RFC 9068 §2.2.3: `scope` is a space-delimited string; `scp` (array or string) only when it is absent.
function grantedScopes(claims: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  const { scope, scp } = claims as { scope?: unknown; scp?: unknown };
  if (scope !== undefined) return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
  if (typeof scp === 'string') return new Set(scp.split(' ').filter(Boolean));
  if (Array.isArray(scp)) return new Set(scp.filter((s): s is string => typeof s === 'string'));
  return new Set();
}
