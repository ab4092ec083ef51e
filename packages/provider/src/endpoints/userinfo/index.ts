import { bearerChallenge, type DpopErrorCode, dpopChallenge } from '@latchkey/oidc';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { userClaims, withGroupsIfReleased } from '../../claims/index.js';
import { dpopHeaderValues, type SenderConstraint } from '../../dpop/sender-constraint.js';
import { errorResponse, toOAuthError } from '../../errors/error-response.js';
import { InvalidToken } from '../../errors/index.js';
import { logErrorAnswer } from '../../errors/log-error.js';
import { RequestParams } from '../../lib/request-params.js';
import { claimsForScopes } from '../../scopes/index.js';
import type { ClientStore, ProviderStores } from '../../store/types.js';
import type { AccessTokenVerifier } from '../../tokens/index.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import {
  checkAccessToken,
  checkClientActive,
  checkGrantNotRevoked,
  checkOpenidScope,
  checkSenderConstraint,
  checkUserActive,
  extractAccessToken,
  grantIdOf,
  requestedUserinfoClaims,
} from './checks.js';

export interface UserInfoDeps {
  readonly issuer: string;
  readonly verifyAccessToken: AccessTokenVerifier;
  readonly stores: Pick<ProviderStores, 'grants' | 'users' | 'groups'>;
  /** The clients as endpoints see them (disabled ones are absent). */
  readonly clients: Pick<ClientStore, 'get'>;
  readonly dpop: SenderConstraint;
}

/** OIDC Core §5.3.2 / RFC 6749 §5.1: claims are never stored by a cache (checklist S7); made once. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * GET and POST /userinfo, OIDC Core §5.3: the claims of the user an access token is about, limited to
 * the scopes granted (§5.4) and the claims asked for by name (§5.5). Errors per RFC 6750 §3 with a
 * Bearer challenge. Responses are never cached.
 */
export function registerUserInfo(app: FastifyInstance, deps: UserInfoDeps): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const presented = extractAccessToken(
        request.headers.authorization,
        request.form,
        RequestParams.fromUrl(request.url),
      );
      const { token } = presented;
      if (token === undefined) {
        // RFC 6750 §3.1: a request with no token at all gets a challenge without an error code.
        return sendBearerError(request, reply, new InvalidToken('An access token is required'), deps, false);
      }
      const claims = await checkAccessToken(token, deps.verifyAccessToken);
      await checkSenderConstraint(
        claims,
        { token, ...(presented.scheme === undefined ? {} : { scheme: presented.scheme }) },
        { method: request.method, url: request.url, proofs: dpopHeaderValues(request.raw) },
        deps.dpop,
      );
      const scopes = checkOpenidScope(claims);
      const grant = checkGrantNotRevoked(await deps.stores.grants.get(grantIdOf(claims)), claims);
      checkClientActive(await deps.clients.get(grant.clientId));
      const user = checkUserActive(await deps.stores.users.getById(String(claims.sub)));
      const names = new Set([...claimsForScopes(scopes), ...requestedUserinfoClaims(claims)]);
      // OIDC Core §5.3.2: `sub` is always there and equals the ID token's (both are the user's id).
      const subject = await withGroupsIfReleased(deps.stores.groups, user, names);
      const body = { ...userClaims(subject, names), sub: user.id };
      return reply.code(200).headers(NO_STORE).type('application/json; charset=utf-8').send(body);
    } catch (error) {
      return sendBearerError(request, reply, error, deps, true);
    }
  };
  const path = issuerBasePath(deps.issuer) + ENDPOINT_PATHS.userinfo;
  app.get(path, handler);
  app.post(path, handler);
}

/** The one error factory's status and body, with the RFC 6750 §3 Bearer challenge instead of Basic. */
function sendBearerError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  deps: UserInfoDeps,
  withErrorCode: boolean,
) {
  const wire = toOAuthError(error);
  logErrorAnswer(request.log, error, wire);
  const response = errorResponse(wire);
  const { 'www-authenticate': _basic, ...headers }: Record<string, string> = response.headers;
  const code = response.body.error;
  const errorParams = withErrorCode
    ? { error: code as DpopErrorCode, errorDescription: response.body.error_description }
    : {};
  let status = response.status;
  // RFC 9449 §7.1: a request made with the DPoP scheme, or a proof problem, gets a DPoP challenge
  // (proof problems with 401, §9); anything else the RFC 6750 Bearer challenge.
  const usedDpop = /^dpop(\s|$)/i.test(request.headers.authorization ?? '');
  if (code === 'invalid_dpop_proof' || code === 'use_dpop_nonce') status = 401;
  if (status === 401 && (usedDpop || code === 'invalid_dpop_proof' || code === 'use_dpop_nonce')) {
    headers['www-authenticate'] = dpopChallenge({
      realm: deps.issuer,
      ...errorParams,
      algs: deps.dpop.algorithms,
    });
  } else if (code === 'invalid_token' || code === 'insufficient_scope' || code === 'invalid_request') {
    headers['www-authenticate'] = bearerChallenge({
      realm: deps.issuer,
      ...(withErrorCode ? { error: code, errorDescription: response.body.error_description } : {}),
    });
  }
  return reply.code(status).headers(headers).send(response.body);
}
