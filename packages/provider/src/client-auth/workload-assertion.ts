import { unverifiedIssuer } from '@latchkey/oidc';
import { InvalidClient, OAuthError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { ClientRecord } from '../store/types.js';
import type { WorkloadAssertions } from '../workload/assertions.js';
import { checkAssertionAudience, checkAssertionLifetime } from './assertion-checks.js';
import type { ClientAuthMethod, ClientAuthRequest, PresentedCredentials } from './method.js';
import { CLIENT_ASSERTION_TYPE } from './private-key-jwt.js';

const METHOD = 'workload_identity_jwt';

/**
 * RFC 7523 §2.2 with workload identity federation: a machine client authenticates with a JWT its
 * platform gave it (GitHub Actions, a Kubernetes service account), matched by the trust rules of the
 * jwt-bearer grant (`workloadIdentity.trust`), so `client_credentials` works with no stored secret.
 * The assertion's `sub` is the platform's (`repo:acme/api:…`), not a client id, so the client names
 * itself with `client_id` (RFC 7521 §4.2) and a rule must map that assertion to that client.
 *
 * Unbound (no trust rules) it is never presented; `withWorkloadClientAssertions` binds it.
 */
export const workloadClientAssertion = {
  method: METHOD,
  usesSecret: false,
  forPublicClients: false,
  requiresClientKeys: false,
  implemented: true,
  presentedIn: () => false,
} as const satisfies ClientAuthMethod;

export interface WorkloadClientAssertionDeps {
  /** The one verifier of workload assertions, shared with the jwt-bearer grant (same key sets, same jti space). */
  readonly assertions: WorkloadAssertions;
  /** The issuer identifier and the token endpoint URL: the only accepted `aud` values (C4). */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly now: Clock;
}

/** The assertion is a trusted workload issuer's: this method's, never private_key_jwt's. */
function presentedBy(assertions: WorkloadAssertions) {
  return (request: ClientAuthRequest): boolean => {
    const assertion = request.params.get('client_assertion');
    if (assertion === undefined || assertions.issuers.size === 0) return false;
    const issuer = unverifiedIssuer(assertion);
    return issuer !== undefined && assertions.issuers.has(issuer);
  };
}

function read(request: ClientAuthRequest): PresentedCredentials {
  const type = request.params.require('client_assertion_type');
  const assertion = request.params.require('client_assertion');
  if (type !== CLIENT_ASSERTION_TYPE) throw new InvalidClient('The client_assertion_type is not supported');
  const clientId = request.params.get('client_id');
  if (clientId === undefined || clientId === '') {
    throw new InvalidClient('client_id is required with a workload identity assertion');
  }
  return { clientId, assertion };
}

export function createWorkloadClientAssertion(deps: WorkloadClientAssertionDeps): ClientAuthMethod {
  const audiences = [deps.issuer, deps.tokenEndpoint];
  async function verify(client: ClientRecord | undefined, credentials: PresentedCredentials) {
    if (client === undefined || credentials.assertion === undefined) return false;
    if (client.tokenEndpointAuthMethod !== METHOD) return false;
    try {
      // D3: signature by the issuer's JWKS, the rule's audience and conditions, its maxLifetime, and
      // the jti spent once (shared with the jwt-bearer grant) — only after the checks below (C3, C4).
      await deps.assertions.verify(credentials.assertion, {
        clientId: client.clientId,
        check: (claims) => {
          checkAssertionAudience(claims, audiences);
          checkAssertionLifetime(claims, deps.now());
        },
      });
    } catch (error) {
      // RFC 7521 §4.2.1: an assertion that does not authenticate the client is `invalid_client`.
      if (error instanceof OAuthError && error.error !== 'invalid_client') {
        throw new InvalidClient('Client authentication failed', `${METHOD}: ${error.description}`);
      }
      throw error;
    }
    return true;
  }
  return { ...workloadClientAssertion, presentedIn: presentedBy(deps.assertions), read, verify };
}

/**
 * The registry with the workload entry bound to `deps`, and private_key_jwt no longer claiming the
 * assertions of trusted workload issuers (else every such request would be two methods at once, C2).
 */
export function withWorkloadClientAssertions(
  registry: readonly ClientAuthMethod[],
  deps: WorkloadClientAssertionDeps,
): readonly ClientAuthMethod[] {
  const bound = createWorkloadClientAssertion(deps);
  return registry.map((method) => {
    if (method.method === METHOD && method.verify === undefined) return bound;
    if (method.method !== 'private_key_jwt') return method;
    return {
      ...method,
      presentedIn: (request) => !bound.presentedIn(request) && method.presentedIn(request),
    };
  });
}
