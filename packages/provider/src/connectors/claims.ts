import { findScope } from '../scopes/index.js';
import type { UserProfileClaims } from '../store/types.js';
import type { ConnectorSettings, UpstreamProfile } from './connector.js';

/**
 * The profile claims a mapping may fill: the OIDC standard string claims (OIDC Core §5.1), read from the
 * scope registry (the `profile` scope's claims but `updated_at`, a time the provider keeps) plus the phone.
 */
const MAPPABLE: ReadonlySet<string> = new Set([
  ...(findScope('profile')?.claims ?? []).filter((claim) => claim !== 'updated_at'),
  'phone_number',
]);

/** The mapping used when a connector configures none: the standard claims of the same name. */
const DEFAULT_MAPPING: Readonly<Record<string, string>> = {
  name: 'name',
  given_name: 'given_name',
  family_name: 'family_name',
  preferred_username: 'preferred_username',
  picture: 'picture',
  locale: 'locale',
};

export function isMappableClaim(name: string): boolean {
  return MAPPABLE.has(name);
}

/** A list of strings from a claim that may be one string, a list, or anything else (then empty). */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 200) : [];
}

/** The Latchkey profile of a newly provisioned user, from the connector's claim mapping (attribute → claim). */
export function mapProfile(settings: ConnectorSettings, profile: UpstreamProfile): UserProfileClaims {
  const mapping = Object.keys(settings.claims).length === 0 ? DEFAULT_MAPPING : settings.claims;
  const mapped: Record<string, string> = {};
  for (const [claim, upstream] of Object.entries(mapping)) {
    const value = profile.claims[upstream];
    if (isMappableClaim(claim) && typeof value === 'string' && value !== '' && value.length <= 500) {
      mapped[claim] = value;
    }
  }
  return mapped as UserProfileClaims;
}

/** Upstream groups → Latchkey groups through the connector's map; unmapped groups are dropped. */
export function mapGroups(settings: ConnectorSettings, profile: UpstreamProfile): string[] {
  const { map } = settings.groups;
  // Own keys only: an upstream group named `__proto__` or `toString` maps to nothing.
  return [...new Set(profile.groups.flatMap((g) => (Object.hasOwn(map, g) ? [map[g] as string] : [])))];
}

/**
 * With allowedEmailDomains set, only a person whose VERIFIED address is at one of them may pass;
 * an unverified address counts as none (X2).
 */
export function emailDomainAllowed(settings: ConnectorSettings, profile: UpstreamProfile): boolean {
  if (settings.allowedEmailDomains.length === 0) return true;
  const email = profile.verifiedEmail;
  if (email === undefined) return false;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return settings.allowedEmailDomains.some((d) => d.toLowerCase() === domain);
}
