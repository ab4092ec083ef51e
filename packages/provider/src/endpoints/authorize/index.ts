import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SignInContext, sendErrorPage } from '../../authorization/context.js';
import { continueAuthorization, currentSession } from '../../authorization/continue.js';
import { checkPushedWhenRequired, resolvePushedRequest } from '../../authorization/pushed-request.js';
import type { AuthorizationRequest, ResponseTarget } from '../../authorization/request.js';
import { sendAuthorizationError } from '../../authorization/respond.js';
import { OAuthError } from '../../errors/index.js';
import { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';
import { checkResourceParameter } from '../../tokens/audience.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { checkAcrValues } from './check-acr-values.js';
import { checkClaimsParameter } from './check-claims-parameter.js';
import { checkClient } from './check-client.js';
import { checkDisplay } from './check-display.js';
import { checkDpopJkt } from './check-dpop-jkt.js';
import { checkIdTokenHint } from './check-id-token-hint.js';
import { checkIdpHint } from './check-idp-hint.js';
import { checkLocales } from './check-locales.js';
import { checkLoginHint } from './check-login-hint.js';
import { checkMaxAge } from './check-max-age.js';
import { checkNonce } from './check-nonce.js';
import { checkPkce } from './check-pkce.js';
import { checkPrompt } from './check-prompt.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkRequestObject } from './check-request-object.js';
import { checkResponseMode } from './check-response-mode.js';
import { checkResponseType } from './check-response-type.js';
import { checkScope } from './check-scope.js';
import { checkState } from './check-state.js';

/**
 * The authorization endpoint, GET and POST (OIDC Core §3.1.2.1: both must be supported; RFC 6749 §3.1).
 * It reads like the spec: first the client and its redirect URI — until both are trusted an error is
 * shown on a local page, never redirected (A3, A4) — then every other parameter, each by a named check
 * whose error goes back to the client in the chosen response mode, with `state` and `iss`.
 */
export function registerAuthorization(app: FastifyInstance, context: SignInContext): void {
  const handler = (request: FastifyRequest, reply: FastifyReply) => authorize(context, request, reply);
  app.get(context.paths.authorization, PAGE_ROUTE, handler);
  app.post(context.paths.authorization, PAGE_ROUTE, handler);
}

async function authorize(context: SignInContext, request: FastifyRequest, reply: FastifyReply) {
  const raw = request.method === 'POST' ? request.form : RequestParams.fromUrl(request.url);
  if (raw === undefined) {
    return sendErrorPage(context, reply, {
      status: 400,
      title: 'Invalid request',
      message: 'A POST authorization request must be sent as application/x-www-form-urlencoded.',
      code: 'invalid_request',
    });
  }

  let params: RequestParams;
  let pushed: boolean;
  let client: ClientRecord;
  let redirectUri: string;
  try {
    // RFC 9126 §4: a request_uri from /par stands for the pushed parameters (used once).
    ({ params, pushed } = await resolvePushedRequest(raw, context.stores.pushedRequests, context.clock));
    client = await checkClient(params, context.stores.clients);
    redirectUri = checkRedirectUri(params, client);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    request.log.info(
      { error: error.error },
      'authorization request refused before the redirect URI was trusted',
    );
    return sendErrorPage(context, reply, {
      status: 400,
      title: 'This sign-in request cannot continue',
      message: `${error.description ?? 'The request is invalid'}. For your safety you were not sent back to the application.`,
      code: error.error,
    });
  }

  let target: ResponseTarget = { redirectUri, responseMode: 'query', state: undefined };
  try {
    const state = readState(params);
    target = { ...target, state: state.value };
    target = { ...target, responseMode: checkResponseMode(params) };
    if (state.error) throw state.error;
    checkRequestObject(params);
    checkPushedWhenRequired(client, pushed, context.requirePushedRequests);
    checkResponseType(params, client);
    const authorization: AuthorizationRequest = {
      ...target,
      clientId: client.clientId,
      scopes: checkScope(params, client),
      resources: checkResourceParameter(params, client, context.issuer),
      codeChallenge: checkPkce(params),
      ...dpopJkt(checkDpopJkt(params)),
      nonce: checkNonce(params),
      prompt: checkPrompt(params),
      maxAge: checkMaxAge(params),
      idTokenHintSub: await checkIdTokenHint(params, context.idTokenHint),
      claims: checkClaimsParameter(params),
      display: checkDisplay(params),
      uiLocales: checkLocales(params, 'ui_locales'),
      claimsLocales: checkLocales(params, 'claims_locales'),
      loginHint: checkLoginHint(params),
      ...idpHint(checkIdpHint(params)),
      acrValues: checkAcrValues(params),
    };
    return await continueAuthorization(context, request, reply, authorization, {
      session: await currentSession(context, request),
      interaction: undefined,
      browser: () => context.browser.fingerprint(context.browser.ensure(request, reply)),
      justAuthenticated: false,
      client,
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    request.log.info({ error: error.error, clientId: client.clientId }, 'authorization request refused');
    return sendAuthorizationError(reply, target, context.issuer, error);
  }
}

/** `state` first, so an error about anything else still carries it; an error about state itself goes without. */
function readState(params: RequestParams): { value: string | undefined; error?: OAuthError } {
  try {
    return { value: checkState(params) };
  } catch (error) {
    if (error instanceof OAuthError) return { value: undefined, error };
    throw error;
  }
}

/** Only present when sent: interactions sealed without it stay the same shape. */
function idpHint(hint: string | undefined): { idpHint?: string } {
  return hint === undefined ? {} : { idpHint: hint };
}

function dpopJkt(jkt: string | undefined): { dpopJkt?: string } {
  return jkt === undefined ? {} : { dpopJkt: jkt };
}
