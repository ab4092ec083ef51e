import { type JwsAlgorithm, type JwtClaims, JwtVerifier } from '@latchkey/oidc';
import type { TokenExchangePolicy } from '../config/machine-identity.js';
import type { ProviderConfig } from '../config/types.js';
import type { SerializedDocument } from '../keys/published-key-set.js';
import type { Clock } from '../lib/clock.js';
import type { ReplayCache } from '../store/types.js';
import { createAccessTokenVerifier, ourKeySet } from '../tokens/access-token-verifier.js';
import { createWorkloadAssertions, type WorkloadAssertions } from '../workload/assertions.js';

/**
 * What the machine grants (token exchange, JWT bearer) read besides the common grant services: our own
 * tokens' verifiers (subject and actor tokens), the token-exchange policies, and the verifier of
 * workload assertions from trusted external issuers.
 */
export interface MachineIdentityServices {
  /** A Latchkey access token (`at+jwt`), any audience; rejects with a JoseError. */
  readonly verifyAccessToken: (token: string) => Promise<JwtClaims>;
  /** A Latchkey ID token, not expired; rejects with a JoseError. */
  readonly verifyIdToken: (token: string) => Promise<JwtClaims>;
  /** RFC 8693 policies by client id (config tokenExchange.clients). */
  readonly tokenExchange: Readonly<Record<string, TokenExchangePolicy>>;
  readonly workloadAssertions: WorkloadAssertions;
}

export interface MachineIdentityDeps {
  readonly config: Pick<ProviderConfig, 'issuer' | 'tokenExchange' | 'workloadIdentity'>;
  readonly jwks: () => SerializedDocument;
  readonly algorithms: readonly JwsAlgorithm[];
  readonly replayCache: Pick<ReplayCache, 'remember'>;
  readonly now: Clock;
  /** Outbound fetch for workload issuers' discovery and JWKS (only the URLs the operator configured). */
  readonly fetch?: typeof fetch;
}

/** Builds the machine grants' services from configuration, once per app. */
export function createMachineIdentityServices(deps: MachineIdentityDeps): MachineIdentityServices {
  const { config } = deps;
  const idTokens = new JwtVerifier({
    issuer: config.issuer,
    idToken: true,
    algorithms: deps.algorithms,
    requiredClaims: ['sub', 'iat'],
    now: () => deps.now() * 1000,
  });
  const keySet = ourKeySet(deps);
  return {
    verifyAccessToken: createAccessTokenVerifier({
      issuer: config.issuer,
      audience: undefined,
      requireGrant: false,
      jwks: deps.jwks,
      algorithms: deps.algorithms,
      now: deps.now,
    }),
    verifyIdToken: async (token) => (await idTokens.verify(token, keySet())).claims,
    tokenExchange: config.tokenExchange.clients,
    workloadAssertions: createWorkloadAssertions({
      rules: config.workloadIdentity.trust,
      replayCache: deps.replayCache,
      now: deps.now,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    }),
  };
}
