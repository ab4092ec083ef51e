/**
 * Route policies: `public`, `authenticated`, or `{ require: [...] }`, a list of requirements that
 * must all hold. Each requirement is one or more alternatives separated by ` | `:
 *
 *   scope:NAME            the access token (or session) grants scope NAME
 *   group:NAME            the groups claim (a string array, or one string) contains NAME
 *   claim:NAME=VALUE      claim NAME equals VALUE (strings as is; numbers and booleans by their JSON text;
 *                         an array claim when one element equals VALUE)
 *   claim:NAME            claim NAME is present and not false, null or ""
 *
 * e.g. `require: ["scope:orders.read", "group:admins | group:ops", "claim:email_verified=true"]`.
 * Compiled once at start; a malformed expression fails the start naming its key.
 */
import type { Identity } from '../auth/identity.js';

export type Requirement =
  | { readonly kind: 'scope'; readonly name: string }
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'claim'; readonly name: string; readonly value: string | undefined };

export type Policy =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  /** Every clause holds; a clause holds when one of its alternatives does. */
  | { readonly kind: 'require'; readonly clauses: readonly (readonly Requirement[])[] };

const NAME = /^[\x21-\x7e]+$/;
const CLAIM = /^([A-Za-z0-9_.:\-/]+)(?:=(.+))?$/;

/** Parses one policy value; returns a problem text instead of throwing, for the config loader. */
export function parsePolicy(raw: unknown): { ok: true; value: Policy } | { ok: false; problem: string } {
  if (raw === 'public' || raw === 'authenticated') return { ok: true, value: { kind: raw } };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problem: 'must be "public", "authenticated" or { require: [...] }' };
  }
  const extra = Object.keys(raw).filter((k) => k !== 'require');
  if (extra.length > 0) return { ok: false, problem: `has an unknown key ${extra[0]}` };
  const list = (raw as { require?: unknown }).require;
  if (!Array.isArray(list) || list.length === 0) {
    return { ok: false, problem: 'require must be a non-empty list of requirements' };
  }
  const clauses: Requirement[][] = [];
  for (const [index, item] of list.entries()) {
    if (typeof item !== 'string') return { ok: false, problem: `require[${index}] must be a string` };
    const alternatives: Requirement[] = [];
    for (const text of item.split('|').map((s) => s.trim())) {
      const requirement = parseRequirement(text);
      if (requirement === undefined) {
        return {
          ok: false,
          problem: `require[${index}] "${text}" is not scope:NAME, group:NAME, claim:NAME or claim:NAME=VALUE`,
        };
      }
      alternatives.push(requirement);
    }
    clauses.push(alternatives);
  }
  return { ok: true, value: { kind: 'require', clauses } };
}

function parseRequirement(text: string): Requirement | undefined {
  const colon = text.indexOf(':');
  if (colon === -1) return undefined;
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if ((kind === 'scope' || kind === 'group') && NAME.test(rest)) return { kind, name: rest };
  if (kind === 'claim') {
    const match = CLAIM.exec(rest);
    if (match !== null) return { kind, name: match[1]!, value: match[2] };
  }
  return undefined;
}

/** The outcome of a policy for an identity (or none). */
export type Decision =
  | { readonly allow: true }
  /** No identity, and the policy needs one: 401 or a sign-in redirect. */
  | { readonly allow: false; readonly reason: 'unauthenticated' }
  /** An identity that does not meet the requirements: 403; `scopes` lists missing scopes for the challenge. */
  | { readonly allow: false; readonly reason: 'forbidden'; readonly scopes: readonly string[] };

const ALLOW: Decision = { allow: true };
const UNAUTHENTICATED: Decision = { allow: false, reason: 'unauthenticated' };

export function evaluatePolicy(policy: Policy, identity: Identity | undefined): Decision {
  if (policy.kind === 'public') return ALLOW;
  if (identity === undefined) return UNAUTHENTICATED;
  if (policy.kind === 'authenticated') return ALLOW;
  const missingScopes: string[] = [];
  let ok = true;
  for (const clause of policy.clauses) {
    if (clause.some((requirement) => holds(requirement, identity))) continue;
    ok = false;
    for (const requirement of clause) if (requirement.kind === 'scope') missingScopes.push(requirement.name);
  }
  return ok ? ALLOW : { allow: false, reason: 'forbidden', scopes: missingScopes };
}

function holds(requirement: Requirement, identity: Identity): boolean {
  switch (requirement.kind) {
    case 'scope':
      return identity.scopes.has(requirement.name);
    case 'group':
      return identity.groups.includes(requirement.name);
    case 'claim': {
      if (!Object.hasOwn(identity.claims, requirement.name)) return false;
      const value = identity.claims[requirement.name];
      if (requirement.value === undefined) return value !== false && value !== null && value !== '';
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) => claimText(v) === requirement.value);
    }
  }
}

function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return undefined;
}
