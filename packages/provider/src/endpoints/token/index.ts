import type { FastifyInstance } from 'fastify';
import { authenticateClient, type ClientAuthMethod } from '../../client-auth/index.js';
import { bindGrantServices } from '../../dpop/bind-services.js';
import { dpopHeaderValues, type SenderConstraint } from '../../dpop/sender-constraint.js';
import type { GrantDefinition, GrantServices } from '../../grants/index.js';
import type { FormFastPath } from '../../lib/form-fast-path.js';
import type { RequestParams } from '../../lib/request-params.js';
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
  /**
   * Plain form POSTs answered before Fastify (lib/form-fast-path.ts), by the same steps as the route;
   * absent when every request must reach Fastify (request logging).
   */
  readonly fastPath?: FormFastPath;
}

/** What the token endpoint reads of a request, whichever way it arrived (Fastify's route or the fast path). */
export interface TokenRequest {
  /** The `application/x-www-form-urlencoded` body; undefined when the body was anything else. */
  readonly form: RequestParams | undefined;
  readonly authorization: string | undefined;
  /** The request target as received: a DPoP proof's `htu` is checked against it. */
  readonly url: string;
  /** Node's request: every DPoP header as sent, repeats included. */
  readonly raw: Parameters<typeof dpopHeaderValues>[0];
}

/**
 * RFC 6749 §5.1: the headers of every token response; they must not be cached (checklist S7). The
 * body is JSON (sent with Content-Length and the security headers).
 */
export const TOKEN_RESPONSE_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-type': 'application/json; charset=utf-8',
} as const;

/**
 * POST /token, RFC 6749 §3.2: form body → grant type known (§5.2 unsupported_grant_type) → client
 * authenticated by its registered method (§2.3, §3.2.1) → client allowed the grant (§5.2
 * unauthorized_client) → the grant's own handler from the registry. Errors are thrown, and answered
 * by the one factory (the app's error answers) on either way in.
 */
export function createTokenEndpoint(deps: TokenEndpointDeps): (request: TokenRequest) => Promise<object> {
  return async (request) => {
    const params = checkFormBody(request.form);
    const grant = checkGrantType(params, deps.grants);
    const client = await authenticateClient(
      { authorization: request.authorization, params },
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
    return dpopJkt === undefined ? body : { ...body, token_type: 'DPoP' };
  };
}

/**
 * The token endpoint as a Fastify route, and, when the app has one, on the fast path for plain form
 * POSTs: both run createTokenEndpoint's steps and send the same answers.
 */
export function registerTokenEndpoint(app: FastifyInstance, deps: TokenEndpointDeps): void {
  const path = issuerBasePath(deps.issuer) + ENDPOINT_PATHS.token;
  const token = createTokenEndpoint(deps);
  app.post(path, async (request, reply) => {
    const body = await token({
      form: request.form,
      authorization: request.headers.authorization,
      url: request.url,
      raw: request.raw,
    });
    return reply.code(200).headers(TOKEN_RESPONSE_HEADERS).send(body);
  });
  deps.fastPath?.add(path, {
    headers: TOKEN_RESPONSE_HEADERS,
    // The fast path takes only a request whose target is exactly `path` (no query).
    answer: (form, request) =>
      token({ form, authorization: request.headers.authorization, url: path, raw: request }),
  });
}
