import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { INTERACTION_LIFETIME } from '../authorization/interaction.js';
import type { PendingSignIn } from '../authorization/next-step.js';
import { formatWait } from '../endpoints/login/format-wait.js';
import { acrOf, amrOf } from '../login/factors/acr.js';
import { passkeyPrompt } from '../login/passkey-prompt.js';
import { verifySecondFactor } from '../login/second-factor.js';
import { secondFactorPage } from '../ui/pages/second-factor.js';
import { sendPage } from '../ui/send-page.js';
import { checkAccountPost } from './form-post.js';

export interface AccountSecondFactorDeps {
  readonly action: string;
  readonly page: string;
  readonly csp: string;
  /** The same CSP with the provider's own scripts allowed (the passkey button). */
  readonly scriptCsp: string;
  readonly refuse: (reply: FastifyReply, status: number, message: string) => FastifyReply;
}

/**
 * The account page's sign-in asks for the second factor like any other sign-in: a user who enrolled one
 * is never signed in by the password alone (nor after a password reset). The half-done sign-in travels
 * sealed and bound to the browser; the session starts only when the code is right.
 */
export function createAccountSecondFactor(signIn: SignInContext, deps: AccountSecondFactorDeps) {
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    sealed: string,
    error?: string,
    status = 200,
  ) => {
    const browserId = signIn.browser.ensure(request, reply);
    const passkey = await passkeyPrompt(signIn, userId);
    return sendPage(reply, {
      status,
      csp: passkey === undefined ? deps.csp : deps.scriptCsp,
      body: secondFactorPage(signIn.theme, {
        action: deps.action,
        interaction: sealed,
        csrfToken: signIn.browser.csrfToken(browserId),
        clientName: 'your account',
        ...(error === undefined ? {} : { error }),
        ...(passkey === undefined ? {} : { passkey }),
      }),
    });
  };

  return {
    /** After a right password: the code form, carrying who is signing in. */
    ask(request: FastifyRequest, reply: FastifyReply, pending: PendingSignIn) {
      const browserId = signIn.browser.ensure(request, reply);
      const sealed = signIn.accountSignIns.seal({
        pending,
        browser: signIn.browser.fingerprint(browserId),
        expiresAt: signIn.clock() + INTERACTION_LIFETIME,
      });
      return show(request, reply, pending.userId, sealed);
    },

    register(app: FastifyInstance) {
      app.post(deps.action, async (request, reply) => {
        const post = checkAccountPost(signIn, request, ['interaction', 'code']);
        if (!post.ok) return deps.refuse(reply, post.status, post.message);
        const sealed = post.form.get('interaction') ?? '';
        const browserId = signIn.browser.read(request);
        const opened = signIn.accountSignIns.open(
          sealed,
          browserId === undefined ? undefined : signIn.browser.fingerprint(browserId),
          signIn.clock(),
        );
        if (opened === undefined) {
          return deps.refuse(reply, 400, 'This sign-in has expired. Sign in again.');
        }
        const { pending } = opened;
        const result = await verifySecondFactor(signIn, {
          userId: pending.userId,
          code: post.form.get('code') ?? '',
          ip: request.ip,
          clientId: null,
        });
        if (result.status === 'throttled') {
          reply.header('retry-after', String(result.retryAfter));
          const wait = `Too many wrong codes. Wait ${formatWait(result.retryAfter)} and try again.`;
          return show(request, reply, pending.userId, sealed, wait, 429);
        }
        if (result.status === 'invalid') {
          const wrong = 'That code is not correct, or was already used. Enter a new code.';
          return show(request, reply, pending.userId, sealed, wrong, 400);
        }
        const amr = amrOf([...pending.amr, ...result.amr]);
        await signIn.sessions.start(request, reply, { userId: pending.userId, amr, acr: acrOf(amr) });
        return reply.code(303).headers({ location: deps.page, 'cache-control': 'no-store' }).send();
      });
    },
  };
}
