/**
 * The configuration of machine identity: token-exchange policies per client (RFC 8693) and the trust
 * rules of workload identity federation (RFC 7523 §2.1). Both are structured values: an object in the
 * config file, or the same as JSON in the environment. The exchange policies are a TypeBox schema; the
 * trust rules keep their parser (recursive claim conditions, unique names), which names what is wrong.
 */

import type { Frozen } from '@latchkey/config-schema';
import { json } from '@latchkey/config-schema';
import * as Type from 'typebox/type';
import { parseDuration } from '../lib/duration.js';
import type { Parsed } from './parsers.js';

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

const nonEmptyStrings = (problem: string, minItems = 0) =>
  Type.Array(Type.String({ minLength: 1, problem: 'must be a non-empty string' }), { minItems, problem });

/** `{ "<client_id>": { audiences, scopes, subjectClients, impersonation } }` (JSON in the environment). */
export const tokenExchangePolicies = (options: Type.TSchemaOptions) =>
  json(
    Type.Record(
      Type.String(),
      Type.Object(
        {
          /** The audiences (RFC 8707 resources) it may ask an exchanged token for. */
          audiences: nonEmptyStrings('must list audiences', 1),
          /** The scopes an exchanged token may carry (also never more than the subject token's). */
          scopes: nonEmptyStrings('must be a list of scopes'),
          /** The clients whose tokens it may exchange (the subject token's `client_id`, or an ID token's `aud`). */
          subjectClients: nonEmptyStrings('must list the clients whose tokens may be exchanged', 1),
          /** Whether it may ask for impersonation (no `actor_token`: a token with no `act`). */
          impersonation: Type.Boolean({ default: false, problem: 'must be true or false' }),
        },
        // `default`: TypeBox's Value.Default fills a record entry's members only when the entry has one.
        { additionalProperties: false, default: {}, problem: 'must be an object' },
      ),
      { problem: 'must be an object of client ids (JSON in the environment)' },
    ),
    options,
  );

/** What one client may do at the token-exchange grant (RFC 8693). */
export type TokenExchangePolicy = Frozen<Type.Static<ReturnType<typeof tokenExchangePolicies>>[string]>;

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
