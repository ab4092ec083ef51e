import type { FastifyInstance } from 'fastify';
import { authenticateClient, type ClientAuthMethod } from '../../client-auth/index.js';
import { InvalidClient } from '../../errors/index.js';
import type { Clock } from '../../lib/clock.js';
import type { ClientRecord, ClientStore } from '../../store/types.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import { checkFormBody } from '../token/checks.js';
import { activeTokenResponse, checkIssuedToCaller, checkTokenActive } from './checks.js';
import type { TokenInspector } from './inspect-token.js';

export interface IntrospectionEndpointDeps {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly authMethods: readonly ClientAuthMethod[];
  readonly inspectToken: TokenInspector;
  readonly now: Clock;
}

/** RFC 7662 §2.2 / RFC 6749 §5.1: answers about tokens must not be cached (checklist S7). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * RFC 7662 §2.1: introspection needs authorization, so a public client (which cannot authenticate)
 * is refused; confidential clients authenticate as at the token endpoint.
 */
export function checkConfidentialCaller(client: ClientRecord): void {
  if (client.type !== 'confidential') {
    throw new InvalidClient('Token introspection requires client authentication', 'public client');
  }
}

/**
 * POST /introspect, RFC 7662 §2: form body → client authenticated (§2.1) → the token found among ours
 * (the hint orders the search, §2.1) → issued to the caller (§4) → still active → §2.2 response.
 * Anything else is `{"active": false}` and nothing more (§2.2).
 */
export function registerIntrospection(app: FastifyInstance, deps: IntrospectionEndpointDeps): void {
  app.post(issuerBasePath(deps.issuer) + ENDPOINT_PATHS.introspection, async (request, reply) => {
    const params = checkFormBody(request.form);
    const caller = await authenticateClient(
      { authorization: request.headers.authorization, params },
      deps.clients,
      deps.authMethods,
    );
    checkConfidentialCaller(caller);
    const token = await deps.inspectToken(params.require('token'), params.get('token_type_hint'));
    const body =
      token !== undefined && checkIssuedToCaller(token, caller) && checkTokenActive(token, deps.now())
        ? activeTokenResponse(token, deps.issuer)
        : { active: false };
    return reply.code(200).headers(NO_STORE).type('application/json; charset=utf-8').send(body);
  });
}
