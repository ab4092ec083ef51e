import type { FastifyReply } from 'fastify';
import type { ClientRecord } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import { html } from '../ui/html.js';
import { layout } from '../ui/layout.js';
import { sendPage } from '../ui/send-page.js';
import type { SignInContext } from './context.js';
import { CARRIED_FIELD } from './enrolment-handoff.js';

/**
 * `mfa: required` and the person has no second factor yet: they are signed in (the password was right)
 * and sent to their account page to set one up, carrying the sealed request (`interaction`) so that
 * confirming the factor there continues to the application (enrolment-handoff.ts).
 */
export function showEnrolPage(
  context: SignInContext,
  reply: FastifyReply,
  client: ClientRecord | undefined,
  interaction: string,
): FastifyReply {
  const name = client?.name ?? 'This application';
  const href = `${context.paths.account}?${new URLSearchParams({ [CARRIED_FIELD]: interaction })}`;
  const content = html`<p class="alert" role="alert">${name} requires two-step verification, and your account has none yet.</p>
<p>Set up an authenticator app on your account page; once it is on, you continue to ${name}.</p>
<div class="actions"><a class="button primary" href="${href}">Set up two-step verification</a></div>`;
  return sendPage(reply, {
    status: 200,
    body: layout(context.theme, { title: 'Two-step verification needed', content }),
    csp: pageCsp({ imageSources: context.theme.imageSources }),
  });
}
