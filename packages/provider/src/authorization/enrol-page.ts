import type { FastifyReply } from 'fastify';
import type { ClientRecord } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import { html } from '../ui/html.js';
import { layout } from '../ui/layout.js';
import { sendPage } from '../ui/send-page.js';
import type { SignInContext } from './context.js';

/**
 * `mfa: required` and the person has no second factor yet: they are signed in (the password was right)
 * and sent to their account page to set one up; the application is reached once it is done.
 */
export function showEnrolPage(
  context: SignInContext,
  reply: FastifyReply,
  client: ClientRecord | undefined,
): FastifyReply {
  const name = client?.name ?? 'This application';
  const content = html`<p class="alert" role="alert">${name} requires two-step verification, and your account has none yet.</p>
<p>Set up an authenticator app on your account page, then go back to ${name} and sign in again.</p>
<div class="actions"><a class="button primary" href="${context.paths.account}">Set up two-step verification</a></div>`;
  return sendPage(reply, {
    status: 403,
    body: layout(context.theme, { title: 'Two-step verification needed', content }),
    csp: pageCsp({ imageSources: context.theme.imageSources }),
  });
}
