/**
 * The configuration of machine identity: token-exchange policies per client (RFC 8693) and the trust
 * rules of workload identity federation (RFC 7523 §2.1). Both are structured values: an object in the
 * config file, or the same as JSON in the environment. Each parser names what is wrong.
 */
import { parseDuration } from '../lib/duration.js';
import type { Parsed } from './parsers.js';

/** What one client may do at the token-exchange grant (RFC 8693). */
export interface TokenExchangePolicy {
  /** The audiences (RFC 8707 resources) it may ask an exchanged token for. */
  readonly audiences: readonly string[];
  /** The scopes an exchanged token may carry (also never more than the subject token's). */
  readonly scopes: readonly string[];
  /** The clients whose tokens it may exchange (the subject token's `client_id`, or an ID token's `aud`). */
  readonly subjectClients: readonly string[];
  /** Whether it may ask for impersonation (no `actor_token`: a token with no `act`). Default false. */
  readonly impersonation: boolean;
}

/** A claim condition: an exact string, a glob with `*`, one of several, or conditions on an object's members. */
export type ClaimCondition = string | readonly string[] | { readonly [member: string]: ClaimCondition };

/** One external issuer whose tokens stand for a Latchkey machine client (workload identity). */
export interface WorkloadTrustRule {
  /** A name for logs and audit events. */
  readonly name: string;
  /** The external issuer (`iss`), exactly. */
  readonly issuer: string;
  /** Its JWKS; default from its discovery document. */
  readonly jwksUri?: string | undefined;
  /** The audience the assertion must carry (`aud`). */
  readonly audience: string;
  /** Conditions on the assertion's claims; every one must hold. */
  readonly claims: { readonly [claim: string]: ClaimCondition };
  /** The Latchkey client the workload becomes (`sub` and `client_id` of the issued token). */
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** The longest assertion accepted, `exp - iat`, seconds (default 1 hour). */
  readonly maxLifetime: number;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

function structured(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return Symbol.for('invalid');
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');

/** `{ "<client_id>": { audiences, scopes, subjectClients, impersonation } }`. */
export function parseTokenExchangePolicies(
  raw: unknown,
): Parsed<Readonly<Record<string, TokenExchangePolicy>>> {
  const value = structured(raw);
  if (!isObject(value)) return bad('must be an object of client ids (JSON in the environment)');
  const policies: Record<string, TokenExchangePolicy> = {};
  for (const [clientId, policy] of Object.entries(value)) {
    if (!isObject(policy)) return bad(`${clientId}: must be an object`);
    const { audiences, scopes, subjectClients, impersonation = false, ...rest } = policy;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) return bad(`${clientId}.${unknown} is not a policy key`);
    if (!isStringList(audiences) || audiences.length === 0)
      return bad(`${clientId}.audiences must list audiences`);
    if (!isStringList(scopes)) return bad(`${clientId}.scopes must be a list of scopes`);
    if (!isStringList(subjectClients) || subjectClients.length === 0) {
      return bad(`${clientId}.subjectClients must list the clients whose tokens may be exchanged`);
    }
    if (typeof impersonation !== 'boolean') return bad(`${clientId}.impersonation must be true or false`);
    policies[clientId] = { audiences, scopes, subjectClients, impersonation };
  }
  return ok(policies);
}

/** A list of trust rules (see WorkloadTrustRule). */
export function parseWorkloadTrustRules(raw: unknown): Parsed<readonly WorkloadTrustRule[]> {
  const value = structured(raw);
  if (!Array.isArray(value)) return bad('must be a list of trust rules (JSON in the environment)');
  const rules: WorkloadTrustRule[] = [];
  for (const [index, rule] of value.entries()) {
    const parsed = parseRule(rule, index);
    if (!parsed.ok) return parsed;
    rules.push(parsed.value);
  }
  const names = new Set(rules.map((r) => r.name));
  if (names.size !== rules.length) return bad('rule names must be unique');
  return ok(rules);
}

const RULE_KEYS = new Set([
  'name',
  'issuer',
  'jwksUri',
  'audience',
  'claims',
  'clientId',
  'scopes',
  'resources',
  'maxLifetime',
]);

function parseRule(rule: unknown, index: number): Parsed<WorkloadTrustRule> {
  const at = `rule ${index}`;
  if (!isObject(rule)) return bad(`${at} must be an object`);
  const unknown = Object.keys(rule).find((key) => !RULE_KEYS.has(key));
  if (unknown !== undefined) return bad(`${at}: ${unknown} is not a rule key`);
  const {
    name,
    issuer,
    jwksUri,
    audience,
    claims = {},
    clientId,
    scopes = [],
    resources = [],
    maxLifetime = 3600,
  } = rule;
  if (typeof name !== 'string' || name === '') return bad(`${at} needs a name`);
  if (typeof issuer !== 'string' || !isHttpsOrLoopback(issuer))
    return bad(`${name}.issuer must be an https URL`);
  if (jwksUri !== undefined && (typeof jwksUri !== 'string' || !isHttpsOrLoopback(jwksUri))) {
    return bad(`${name}.jwksUri must be an https URL`);
  }
  if (typeof audience !== 'string' || audience === '') return bad(`${name}.audience is required`);
  if (!isObject(claims) || !isCondition(claims)) {
    return bad(`${name}.claims must map claim names to strings, lists of strings or objects of those`);
  }
  if (typeof clientId !== 'string' || clientId === '') return bad(`${name}.clientId is required`);
  if (!isStringList(scopes)) return bad(`${name}.scopes must be a list of scopes`);
  if (!isStringList(resources)) return bad(`${name}.resources must be a list of resource URLs`);
  const lifetime = parseDuration(maxLifetime);
  if (lifetime === undefined || lifetime <= 0 || lifetime > 86_400) {
    return bad(`${name}.maxLifetime must be a duration up to 24h`);
  }
  return ok({
    name,
    issuer,
    jwksUri: jwksUri as string | undefined,
    audience,
    claims: claims as WorkloadTrustRule['claims'],
    clientId,
    scopes,
    resources,
    maxLifetime: lifetime,
  });
}

function isCondition(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (Array.isArray(value)) return value.length > 0 && value.every((v) => typeof v === 'string');
  return isObject(value) && Object.values(value).every(isCondition);
}

function isHttpsOrLoopback(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  // Development and tests: an issuer on this machine.
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
