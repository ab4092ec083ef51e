import { type JwkSet, LocalKeySet } from '@latchkey/oidc';
import type { ClientPolicy } from '../clients/client-policy.js';
import type { Parsed } from './parsers.js';

const HOST_PATTERN = /^(\*|(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * A list of client trust policies (clients/client-policy.ts): in a file, a list of mappings; in the
 * environment, the same as JSON. Each has `hosts` (required), `scopes` and `resources` (default none).
 */
export function parseClientPolicies(raw: unknown): Parsed<readonly ClientPolicy[]> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, problem: 'must be a JSON list of policies' };
    }
  }
  if (!Array.isArray(value)) return { ok: false, problem: 'must be a list of policies' };
  const policies: ClientPolicy[] = [];
  for (const [i, item] of value.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { ok: false, problem: `has entry ${i}, which is not a mapping` };
    }
    const { hosts, scopes = [], resources = [], ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) return { ok: false, problem: `entry ${i} has an unknown key "${unknown}"` };
    if (!isStringList(hosts) || hosts.length === 0 || !hosts.every((h) => HOST_PATTERN.test(h))) {
      return { ok: false, problem: `entry ${i}: hosts must list "*", "*.example.com" or host names` };
    }
    if (!isStringList(scopes) || !scopes.every((s) => SCOPE_TOKEN.test(s))) {
      return { ok: false, problem: `entry ${i}: scopes must be a list of scope names` };
    }
    if (!isStringList(resources) || !resources.every(isResourceIndicator)) {
      return { ok: false, problem: `entry ${i}: resources must be absolute URIs without a fragment` };
    }
    policies.push({ hosts, scopes, resources });
  }
  return { ok: true, value: policies };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** RFC 8707 §2: an absolute URI without a fragment. */
function isResourceIndicator(value: string): boolean {
  if (value.includes('#')) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export type RegistrationMode = 'disabled' | 'token' | 'open';

/** `registration.mode`: who may register clients at the registration endpoint. */
export function parseRegistrationMode(raw: unknown): Parsed<RegistrationMode> {
  return raw === 'disabled' || raw === 'token' || raw === 'open'
    ? { ok: true, value: raw }
    : { ok: false, problem: 'must be disabled, token or open' };
}

/** A list of scope names (comma- or space-separated in the environment). */
export function parseScopeList(raw: unknown): Parsed<readonly string[]> {
  const items = listOf(raw);
  return items?.every((s) => SCOPE_TOKEN.test(s))
    ? { ok: true, value: items }
    : { ok: false, problem: 'must be a list of scope names' };
}

/** A list of RFC 8707 resource indicators (comma-separated in the environment). */
export function parseResourceList(raw: unknown): Parsed<readonly string[]> {
  const items = listOf(raw);
  return items?.every(isResourceIndicator)
    ? { ok: true, value: items }
    : { ok: false, problem: 'must be a list of absolute URIs without a fragment' };
}

/** Grant types a dynamically registered client may ask for. */
export function parseRegistrationGrantTypes(raw: unknown): Parsed<readonly string[]> {
  const allowed = new Set([
    'authorization_code',
    'refresh_token',
    'urn:ietf:params:oauth:grant-type:device_code',
  ]);
  const items = listOf(raw);
  return items !== undefined && items.length > 0 && items.every((g) => allowed.has(g))
    ? { ok: true, value: items }
    : { ok: false, problem: `must list grant types among ${[...allowed].join(', ')}` };
}

/** A count of 1 to 10000 (registrations per address per hour). */
export function parseRegistrationRate(raw: unknown): Parsed<number> {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 10_000
    ? { ok: true, value: n }
    : { ok: false, problem: 'must be a whole number from 1 to 10000' };
}

function listOf(raw: unknown): string[] | undefined {
  if (typeof raw === 'string') return raw.split(/[\s,]+/).filter((s) => s !== '');
  return isStringList(raw) ? raw : undefined;
}

/** An issuer of software statements (RFC 7591 §2.3) and the public keys its statements are signed with. */
export interface SoftwareStatementIssuer {
  readonly issuer: string;
  readonly jwks: JwkSet;
}

/** `registration.softwareStatementIssuers`: a list of `{issuer, jwks}` (JSON in the environment). */
export function parseSoftwareStatementIssuers(raw: unknown): Parsed<readonly SoftwareStatementIssuer[]> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, problem: 'must be a JSON list of {issuer, jwks}' };
    }
  }
  if (!Array.isArray(value)) return { ok: false, problem: 'must be a list of {issuer, jwks}' };
  const issuers: SoftwareStatementIssuer[] = [];
  for (const [i, item] of value.entries()) {
    const { issuer, jwks } = (item ?? {}) as Record<string, unknown>;
    if (typeof issuer !== 'string' || issuer === '') {
      return { ok: false, problem: `entry ${i}: issuer must be a non-empty string` };
    }
    try {
      LocalKeySet.fromJwks(jwks);
    } catch {
      return { ok: false, problem: `entry ${i}: jwks must be a JWK set of public signing keys` };
    }
    issuers.push({ issuer, jwks: jwks as JwkSet });
  }
  return { ok: true, value: issuers };
}
