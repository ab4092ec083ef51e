import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { currentSession } from '../authorization/continue.js';
import { OAuthError } from '../errors/index.js';
import { RequestParams } from '../lib/request-params.js';
import { sha256 } from '../sessions/hash.js';
import { completeUpstream } from './complete.js';
import { ConnectorUnavailableError, type RedirectConnector, UpstreamRejectedError } from './connector.js';
import { type Federation, FlowTooLargeError, type UpstreamPurpose } from './federation.js';
import { confirmBeforeLinking } from './recent-sign-in.js';

const TITLE = 'Sign-in through another provider';

/**
 * GET /connectors/<id>/start sends the browser to an upstream; GET /connectors/<id>/callback takes it
 * back. A start is a link (a form would have its redirect to the upstream blocked by the page's CSP
 * form-action): from a sign-in page it carries the pending request's sealed interaction, already bound
 * to this browser; from the account page (sign in, or link while signed in) the browser's CSRF token.
 *
 * The callback is checked in this order (X1): the round trip's sealed cookie opens, is this browser's
 * and unexpired; it was started for THIS path's connector (a response of upstream A delivered to B's
 * path is refused, mix-up, RFC 9700 §4.4.2); its state is used once (replay cache, shared by a
 * cluster); then the connector checks state, `iss` (RFC 9207), the code exchange and the ID token.
 */
export function registerConnectors(
  app: FastifyInstance,
  context: SignInContext,
  federation: Federation,
): void {
  const refuse = (reply: FastifyReply, status: number, message: string) =>
    sendErrorPage(context, reply, { status, title: TITLE, message });
  const redirectConnector = (id: string): RedirectConnector | undefined => {
    const connector = federation.find(id);
    return connector?.kind === 'redirect' ? connector : undefined;
  };

  app.get<{ Params: { id: string } }>(`${context.basePath}/connectors/:id/start`, async (request, reply) => {
    const connector = redirectConnector(request.params.id);
    if (connector === undefined) return refuse(reply, 404, 'There is no such sign-in provider here.');
    let params: RequestParams;
    try {
      params = RequestParams.fromUrl(request.url);
      params.get('interaction');
      params.get('csrf_token');
      params.get('purpose');
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return refuse(reply, 400, 'The link is malformed. Go back and try again.');
    }
    const browserId = context.browser.read(request);
    if (browserId === undefined) {
      // Both the interaction and the CSRF token are bound to the browser cookie: without it, neither holds.
      return refuse(
        reply,
        400,
        'This link was opened in another browser, or cookies are off. Go back and start again.',
      );
    }
    const fingerprint = context.browser.fingerprint(browserId);
    const sealed = params.get('interaction');
    let purpose: UpstreamPurpose;
    let loginHint: string | undefined;
    if (sealed !== undefined) {
      const interaction = context.interactions.open(sealed, fingerprint, context.clock());
      if (interaction === undefined) {
        return refuse(
          reply,
          400,
          'This sign-in link has expired, or was opened in another browser. Go back to the application and sign in again.',
        );
      }
      purpose = { kind: 'authorize', interaction: sealed };
      loginHint = interaction.request.loginHint;
    } else {
      if (!context.browser.checkCsrfToken(browserId, params.get('csrf_token'))) {
        return refuse(
          reply,
          403,
          'The link has expired or was not opened from this browser. Reload your account page.',
        );
      }
      if (params.get('purpose') === 'link') {
        const session = await currentSession(context, request);
        if (session === undefined) return refuse(reply, 400, 'Sign in to your account first.');
        const stale = confirmBeforeLinking(context, session, reply);
        if (stale !== undefined) return stale;
        purpose = { kind: 'link', sid: session.sid };
      } else {
        purpose = { kind: 'account' };
      }
    }
    return startRoundTrip(request, reply, connector, fingerprint, purpose, loginHint);
  });

  const startRoundTrip = async (
    request: FastifyRequest,
    reply: FastifyReply,
    connector: RedirectConnector,
    browser: string,
    purpose: UpstreamPurpose,
    loginHint: string | undefined,
  ) => {
    try {
      return await federation.redirect(request, reply, connector, { browser, purpose, loginHint });
    } catch (error) {
      if (error instanceof FlowTooLargeError) {
        return refuse(
          reply,
          400,
          `This application’s sign-in request is too large to continue through ${connector.settings.displayName}. Sign in another way, or ask the application’s developers to send a shorter request.`,
        );
      }
      if (!(error instanceof ConnectorUnavailableError || error instanceof UpstreamRejectedError))
        throw error;
      request.log.warn({ connector: connector.settings.id, code: error.message }, 'upstream unavailable');
      return unavailable(reply, connector);
    }
  };

  const unavailable = (reply: FastifyReply, connector: RedirectConnector) =>
    refuse(
      reply.header('retry-after', '30'),
      503,
      `${connector.settings.displayName} cannot be reached right now. Try again in a moment, or sign in another way.`,
    );

  app.get<{ Params: { id: string } }>(
    `${context.basePath}/connectors/:id/callback`,
    async (request, reply) => {
      const connector = redirectConnector(request.params.id);
      if (connector === undefined) return refuse(reply, 404, 'There is no such sign-in provider here.');
      const now = context.clock();
      const flow = federation.takeFlow(request, reply, now);
      const browserId = context.browser.read(request);
      if (
        flow === undefined ||
        browserId === undefined ||
        flow.browser !== context.browser.fingerprint(browserId)
      ) {
        return refuse(
          reply,
          400,
          'This sign-in has expired, or was started in another browser. Go back and start again. (Cookies must be enabled.)',
        );
      }
      if (flow.connectorId !== connector.settings.id) {
        request.log.warn(
          { connector: connector.settings.id, started: flow.connectorId },
          'upstream mix-up refused',
        );
        return refuse(
          reply,
          400,
          'This answer came back to the wrong place, so it was refused. Start again.',
        );
      }
      // Single use (RFC 9700 §4.7): a replayed callback, even with its cookie, is refused.
      if (
        !(await context.stores.replayCache.remember(
          `upstream-state:${sha256(flow.pending.state)}`,
          flow.expiresAt,
          now,
        ))
      ) {
        return refuse(reply, 400, 'This sign-in answer was used already. Start again.');
      }
      const query = request.url.indexOf('?');
      const params = new URLSearchParams(query === -1 ? '' : request.url.slice(query + 1));
      let profile: Awaited<ReturnType<RedirectConnector['finish']>>;
      try {
        profile = await connector.finish(params, flow.pending);
      } catch (error) {
        if (error instanceof ConnectorUnavailableError) {
          request.log.warn({ connector: connector.settings.id, code: error.message }, 'upstream unavailable');
          return unavailable(reply, connector);
        }
        if (error instanceof UpstreamRejectedError) {
          request.log.warn(
            { connector: connector.settings.id, code: error.message },
            'upstream answer refused',
          );
          return refuse(
            reply,
            400,
            `The answer from ${connector.settings.displayName} could not be verified, so you were not signed in. Start again.`,
          );
        }
        throw error;
      }
      return completeUpstream(context, request, reply, connector.settings, profile, flow);
    },
  );
}
