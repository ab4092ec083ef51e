/**
 * Workload identity federation (RFC 7523 §2.1, §3): a JWT from an external issuer the operator trusts
 * (GitHub Actions, a Kubernetes cluster's service-account issuer, …) stands for a Latchkey machine
 * client when it is signed by that issuer's published keys, carries the configured audience, lives no
 * longer than the rule allows, has a `jti` not seen before, and its claims meet the rule's conditions.
 *
 * Outbound requests go only to URLs the operator configured (the rule's `jwksUri`, or the discovery
 * document of its `issuer`): the assertion's `iss` only selects among configured rules, it never names
 * a URL to fetch. RemoteKeySet fetches over https only (http on loopback for development), refuses
 * every redirect, and bounds size, time and frequency (one fetch per 30 s cooldown).
 */
import {
  ASYMMETRIC_ALGORITHMS,
  fetchDiscovery,
  isJoseError,
  type JwtClaims,
  JwtVerifier,
  RemoteKeySet,
  unverifiedIssuer,
} from '@latchkey/oidc';
import type { WorkloadTrustRule } from '../config/machine-identity.js';
import { InvalidGrant } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { ReplayCache } from '../store/types.js';
import { claimsMatch } from './claim-conditions.js';

export interface WorkloadAssertionOptions {
  /** Only the rules mapping to this client (client authentication, RFC 7523 §2.2, names its client). */
  readonly clientId?: string;
  /** More checks of the verified claims, run before the `jti` is spent; they throw to refuse. */
  readonly check?: (claims: JwtClaims) => void;
}

export interface WorkloadAssertions {
  /** The issuers the trust rules name (an assertion from another issuer is never a workload's). */
  readonly issuers: ReadonlySet<string>;
  /** The rule an assertion matched, and its verified claims; InvalidGrant otherwise (RFC 7523 §3.1). */
  verify(
    assertion: string,
    options?: WorkloadAssertionOptions,
  ): Promise<{ readonly rule: WorkloadTrustRule; readonly claims: JwtClaims }>;
}

export interface WorkloadAssertionsDeps {
  readonly rules: readonly WorkloadTrustRule[];
  readonly replayCache: Pick<ReplayCache, 'remember'>;
  readonly now: Clock;
  readonly fetch?: typeof fetch;
}

// RFC 7523 §3: every failure is invalid_grant; the description says which check, never the token.
const refuse = (description: string, debug?: string) => new InvalidGrant(description, debug);

export function createWorkloadAssertions(deps: WorkloadAssertionsDeps): WorkloadAssertions {
  const fetchOptions = deps.fetch === undefined ? {} : { fetch: deps.fetch };
  const nowMs = () => deps.now() * 1000;
  // One key set per issuer, shared by its rules, built at start: fetched lazily, cached, cooled down.
  const keySets = new Map<string, RemoteKeySet>();
  for (const rule of deps.rules) {
    if (keySets.has(rule.issuer)) continue;
    const source = rule.jwksUri ?? (async () => (await fetchDiscovery(rule.issuer, fetchOptions)).jwks_uri);
    keySets.set(
      rule.issuer,
      new RemoteKeySet(source, { ...fetchOptions, now: nowMs, algorithms: ASYMMETRIC_ALGORITHMS }),
    );
  }
  const verifiers = new Map(
    deps.rules.map((rule) => [
      rule,
      new JwtVerifier({
        issuer: rule.issuer,
        audience: rule.audience,
        algorithms: ASYMMETRIC_ALGORITHMS,
        // RFC 7523 §3: exp required; iat and jti so the lifetime is bounded and replay is caught.
        requiredClaims: ['iat', 'jti', 'sub'],
        maxTokenAge: rule.maxLifetime,
        now: nowMs,
      }),
    ]),
  );

  return {
    issuers: new Set(keySets.keys()),
    async verify(assertion, options = {}) {
      const issuer = unverifiedIssuer(assertion);
      const trusted = deps.rules.filter((rule) => rule.issuer === issuer);
      if (trusted.length === 0) throw refuse('The assertion is not from a trusted issuer');
      const candidates = trusted.filter(
        (rule) => options.clientId === undefined || rule.clientId === options.clientId,
      );
      const keySet = keySets.get(issuer!)!;
      let lastAudienceFailure = false;
      for (const rule of candidates) {
        let claims: JwtClaims;
        try {
          claims = (await verifiers.get(rule)!.verify(assertion, keySet)).claims;
        } catch (error) {
          if (!isJoseError(error)) throw error;
          if (error.claim === 'aud') {
            lastAudienceFailure = true;
            continue;
          }
          throw refuse('The assertion is invalid', error.code);
        }
        // RFC 7523 §3 item 4: the authorization server may reject an exp unreasonably far in the future.
        if ((claims.exp ?? 0) - (claims.iat ?? 0) > rule.maxLifetime) {
          throw refuse('The assertion lives longer than this issuer is trusted for');
        }
        if (!claimsMatch(rule.claims, claims)) continue;
        options.check?.(claims);
        // RFC 7523 §3 item 7: a jti is used once, remembered until the assertion expires.
        const fresh = await deps.replayCache.remember(
          `jwt-bearer:${rule.issuer}:${String(claims.jti)}`,
          claims.exp!,
          deps.now(),
        );
        if (!fresh) throw refuse('The assertion has been used before');
        return { rule, claims };
      }
      throw refuse(
        lastAudienceFailure
          ? 'The assertion audience is not accepted'
          : 'No trust rule accepts this assertion',
      );
    },
  };
}
