/**
 * The conditions of a workload trust rule on an external token's claims: a small declarative form
 * rather than an expression language (see docs/machine-identity.md). A string is an exact match, or a
 * glob where `*` stands for any run of characters; a list is "any of"; an object applies its conditions
 * to the members of an object claim (Kubernetes' `kubernetes.io: { namespace: prod }`). Only strings
 * match: a number or boolean claim never equals a string condition.
 */
import type { ClaimCondition } from '../config/machine-identity.js';

export function claimsMatch(
  conditions: { readonly [claim: string]: ClaimCondition },
  claims: unknown,
): boolean {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return false;
  return Object.entries(conditions).every(([name, condition]) =>
    matches(condition, Object.hasOwn(claims, name) ? (claims as Record<string, unknown>)[name] : undefined),
  );
}

function matches(condition: ClaimCondition, value: unknown): boolean {
  if (typeof condition === 'string') return typeof value === 'string' && globMatch(condition, value);
  if (Array.isArray(condition)) return condition.some((alternative: string) => matches(alternative, value));
  return claimsMatch(condition as { readonly [claim: string]: ClaimCondition }, value);
}

/** `*` matches any run of characters (`/` included); everything else is literal. Linear, no regex. */
export function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) {
    return false;
  }
  let position = first.length;
  const end = value.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, position);
    if (found === -1 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return true;
}
