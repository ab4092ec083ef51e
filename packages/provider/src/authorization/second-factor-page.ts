import type { FastifyReply, FastifyRequest } from 'fastify';
import { passkeyPrompt } from '../login/passkey-prompt.js';
import { cspSourceFor, pageCsp } from '../ui/csp.js';
import { secondFactorPage } from '../ui/pages/second-factor.js';
import { sendPage } from '../ui/send-page.js';
import type { SignInContext } from './context.js';
import type { Interaction } from './interaction.js';

/** The second-factor form of a pending authorization request, posting to /login/second-factor. */
export async function showSecondFactorPage(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  interaction: Interaction,
  error?: string,
  status = 200,
): Promise<FastifyReply> {
  const client = await context.stores.clients.get(interaction.request.clientId);
  const browserId = context.browser.ensure(request, reply);
  const passkey =
    interaction.pending === undefined ? undefined : await passkeyPrompt(context, interaction.pending.userId);
  return sendPage(reply, {
    status,
    body: secondFactorPage(context.theme, {
      action: context.paths.secondFactor,
      interaction: context.interactions.seal(interaction),
      csrfToken: context.browser.csrfToken(browserId),
      clientName: client?.name ?? 'the application',
      ...(error === undefined ? {} : { error }),
      ...(passkey === undefined ? {} : { passkey }),
    }),
    // The POST may end in a redirect to the client: form-action must allow it.
    csp: pageCsp({
      imageSources: context.theme.imageSources,
      formTargets: [cspSourceFor(interaction.request.redirectUri)],
      ownScripts: passkey !== undefined,
    }),
  });
}
