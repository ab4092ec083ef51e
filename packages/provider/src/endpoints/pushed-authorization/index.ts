import type { FastifyInstance } from 'fastify';
import { REQUEST_URI_PREFIX, requestUriHash } from '../../authorization/pushed-request.js';
import { authenticateClient, type ClientAuthMethod } from '../../client-auth/index.js';
import { dpopHeaderValues, type SenderConstraint } from '../../dpop/sender-constraint.js';
import type { Clock } from '../../lib/clock.js';
import type { ClientStore, PushedRequestStore } from '../../store/types.js';
import { checkResourceParameter } from '../../tokens/audience.js';
import { checkDpopJkt } from '../authorize/check-dpop-jkt.js';
import { checkPkce } from '../authorize/check-pkce.js';
import { checkRedirectUri } from '../authorize/check-redirect-uri.js';
import { checkRequestObject } from '../authorize/check-request-object.js';
import { checkResponseMode } from '../authorize/check-response-mode.js';
import { checkResponseType } from '../authorize/check-response-type.js';
import { checkScope } from '../authorize/check-scope.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import { checkFormBody } from '../token/checks.js';
import {
  checkClientIdMatches,
  checkDpopJktMatchesProof,
  checkNoRequestUri,
  pushedParameters,
  withDpopJkt,
} from './checks.js';

export interface PushedAuthorizationDeps {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly authMethods: readonly ClientAuthMethod[];
  readonly pushedRequests: Pick<PushedRequestStore, 'create'>;
  readonly now: Clock;
  readonly random: (n: number) => Buffer;
  /** Seconds a request_uri lives (config authorization.pushedRequestLifetime). */
  readonly lifetime: number;
  /** RFC 9449 §10.1: a proof sent with the push binds the code to its key. */
  readonly dpop?: Pick<SenderConstraint, 'checkPushedRequest'>;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * POST /par, RFC 9126 §2: form body → client authenticated as at the token endpoint (§2, public
 * clients name themselves) → no `request_uri` (§2.1) → the authorization checks that need no browser,
 * the same named checks /authorize runs (§2.1: validated as an authorization request) → stored under
 * the SHA-256 of a fresh 256-bit request URI → 201 `{ request_uri, expires_in }` (§2.2). /authorize
 * runs every check again on the pushed parameters when the browser arrives.
 */
export function registerPushedAuthorization(app: FastifyInstance, deps: PushedAuthorizationDeps): void {
  app.post(issuerBasePath(deps.issuer) + ENDPOINT_PATHS.pushedAuthorization, async (request, reply) => {
    const params = checkFormBody(request.form);
    const client = await authenticateClient(
      { authorization: request.headers.authorization, params },
      deps.clients,
      deps.authMethods,
    );
    checkNoRequestUri(params);
    checkClientIdMatches(params, client);
    checkRequestObject(params);
    checkRedirectUri(params, client);
    checkResponseMode(params);
    checkResponseType(params, client);
    checkScope(params, client);
    checkPkce(params);
    checkResourceParameter(params, client, deps.issuer);
    const proof = { method: 'POST', url: request.url, proofs: dpopHeaderValues(request.raw) };
    const proofJkt = await deps.dpop?.checkPushedRequest(proof);
    const dpopJkt = checkDpopJktMatchesProof(checkDpopJkt(params), proofJkt);

    const requestUri = REQUEST_URI_PREFIX + deps.random(32).toString('base64url');
    await deps.pushedRequests.create({
      requestUriHash: requestUriHash(requestUri),
      clientId: client.clientId,
      params: withDpopJkt(pushedParameters(params, client), dpopJkt, params.has('dpop_jkt')),
      expiresAt: deps.now() + deps.lifetime,
    });
    return reply
      .code(201)
      .headers(NO_STORE)
      .type('application/json; charset=utf-8')
      .send({ request_uri: requestUri, expires_in: deps.lifetime });
  });
}
