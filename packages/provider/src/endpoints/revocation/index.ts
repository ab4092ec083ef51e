import type { FastifyInstance } from 'fastify';
import { authenticateClient, type ClientAuthMethod } from '../../client-auth/index.js';
import type { Clock } from '../../lib/clock.js';
import type { AuditStore, ClientStore, GrantStore } from '../../store/types.js';
import type { TokenInspector } from '../introspection/inspect-token.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import { checkFormBody } from '../token/checks.js';
import { checkRevocable } from './checks.js';

export interface RevocationEndpointDeps {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly authMethods: readonly ClientAuthMethod[];
  readonly inspectToken: TokenInspector;
  readonly grants: Pick<GrantStore, 'revoke'>;
  readonly audit: Pick<AuditStore, 'append'>;
  readonly now: Clock;
}

/**
 * POST /revoke, RFC 7009 §2: form body → client authenticated (§2.1; a public client names itself
 * with client_id) → the token found among ours (the hint orders the search) → issued to the caller →
 * its grant revoked, which ends the refresh-token family and every access token of the grant at
 * UserInfo and introspection. An unknown, expired or foreign token changes nothing and still gets
 * 200 (§2.2), so the answer tells nothing about other clients' tokens.
 */
export function registerRevocation(app: FastifyInstance, deps: RevocationEndpointDeps): void {
  app.post(issuerBasePath(deps.issuer) + ENDPOINT_PATHS.revocation, async (request, reply) => {
    const params = checkFormBody(request.form);
    const caller = await authenticateClient(
      { authorization: request.headers.authorization, params },
      deps.clients,
      deps.authMethods,
    );
    const token = await deps.inspectToken(params.require('token'), params.get('token_type_hint'));
    const grantId = checkRevocable(token, caller);
    if (grantId !== undefined && token !== undefined) {
      const at = deps.now();
      const revoked = await deps.grants.revoke(grantId, at);
      if (revoked) {
        await deps.audit.append({
          type: 'token.revoked',
          at,
          userId: token.grant?.userId ?? null,
          clientId: caller.clientId,
          details: { tokenType: token.type },
        });
      }
    }
    // RFC 7009 §2.2: "The content of the response body is ignored by the client".
    return reply.code(200).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send();
  });
}
