import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../errors/index.js';
import { RequestParams } from '../lib/request-params.js';
import { isSameOriginPost } from '../sessions/origin-check.js';
import type { SignInContext } from './context.js';
import { sendErrorPage } from './context.js';
import type { Interaction } from './interaction.js';

export type Guarded =
  | {
      readonly ok: true;
      readonly interaction: Interaction;
      readonly browserId: string;
      readonly form: RequestParams;
    }
  | { readonly ok: false; readonly reply: FastifyReply };

/**
 * What every request to the login and consent pages goes through before it is looked at:
 * - a POST must be a form, from the provider's own origin, with the CSRF token bound to this browser's
 *   cookie (S4);
 * - the interaction must open: sealed by this provider, unexpired, started in this browser.
 * Failures get a local error page; nothing is redirected to a client from here.
 */
export function guardInteraction(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Guarded {
  const fail = (status: number, message: string) => ({
    ok: false as const,
    reply: sendErrorPage(context, reply, { status, title: 'This sign-in request cannot continue', message }),
  });
  let form: RequestParams;
  let sealed: string | undefined;
  const browserId = context.browser.read(request);
  try {
    if (request.method === 'POST') {
      if (request.form === undefined) return fail(400, 'The form was not sent as a form.');
      form = request.form;
      if (!isSameOriginPost(request, context.issuerOrigin)) {
        return fail(403, 'The form was sent from another site, so it was refused.');
      }
      if (!context.browser.checkCsrfToken(browserId, form.get('csrf_token'))) {
        return fail(403, 'The form has expired or was not sent from this browser. Go back and start again.');
      }
    } else {
      form = RequestParams.fromUrl(request.url);
    }
    sealed = form.get('interaction');
  } catch (error) {
    if (error instanceof OAuthError) return fail(400, error.description ?? 'The request is malformed.');
    throw error;
  }
  const interaction = context.interactions.open(
    sealed,
    browserId === undefined ? undefined : context.browser.fingerprint(browserId),
    context.clock(),
  );
  if (interaction === undefined || browserId === undefined) {
    return fail(
      400,
      'This sign-in link has expired, or was opened in another browser. Go back to the application and sign in again. (Cookies must be enabled.)',
    );
  }
  return { ok: true, interaction, browserId, form };
}
