import type { FastifyInstance } from 'fastify';
import { authenticateClient, type ClientAuthMethod } from '../../client-auth/index.js';
import { bindGrantServices } from '../../dpop/bind-services.js';
import { dpopHeaderValues, type SenderConstraint } from '../../dpop/sender-constraint.js';
import type { GrantDefinition, GrantServices } from '../../grants/index.js';
import type { ClientStore } from '../../store/types.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import { checkClientGrant, checkFormBody, checkGrantType } from './checks.js';

export interface TokenEndpointDeps {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly grants: readonly GrantDefinition[];
  readonly authMethods: readonly ClientAuthMethod[];
  readonly services: GrantServices;
  /** DPoP (RFC 9449 §5); without it, DPoP headers are ignored and every token is a Bearer token. */
  readonly dpop?: SenderConstraint;
  /** Called after each successful token response, with the grant type (metrics). */
  readonly onIssued?: (grantType: string) => void;
}

/** RFC 6749 §5.1: token responses must not be cached (checklist S7). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * POST /token, RFC 6749 §3.2: form body → grant type known (§5.2 unsupported_grant_type) → client
 * authenticated by its registered method (§2.3, §3.2.1) → client allowed the grant (§5.2
 * unauthorized_client) → the grant's own handler from the registry. Errors go through the one
 * factory (app error handler).
 */
export function registerTokenEndpoint(app: FastifyInstance, deps: TokenEndpointDeps): void {
  app.post(issuerBasePath(deps.issuer) + ENDPOINT_PATHS.token, async (request, reply) => {
    const params = checkFormBody(request.form);
    const grant = checkGrantType(params, deps.grants);
    const client = await authenticateClient(
      { authorization: request.headers.authorization, params },
      deps.clients,
      deps.authMethods,
    );
    checkClientGrant(client, grant);
    const proof = { method: 'POST', url: request.url, proofs: dpopHeaderValues(request.raw) };
    const dpopJkt = await deps.dpop?.checkTokenRequest(proof, client);
    const services =
      dpopJkt === undefined ? deps.services : bindGrantServices(deps.services, dpopJkt, client);
    const body = await grant.handle({ client, params, dpopJkt }, services);
    deps.onIssued?.(grant.type);
    return reply
      .code(200)
      .headers(NO_STORE)
      .type('application/json; charset=utf-8')
      .send(dpopJkt === undefined ? body : { ...body, token_type: 'DPoP' });
  });
}
