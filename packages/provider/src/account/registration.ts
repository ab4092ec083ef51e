import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../admin/errors.js';
import { createUser } from '../admin/users/create.js';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { alreadyRegisteredMessage } from '../email/messages.js';
import { NotFound } from '../errors/index.js';
import { createStoreRateLimiter, type RateLimiter } from '../login/rate-limiter.js';
import { pageCsp } from '../ui/csp.js';
import { sendPage } from '../ui/send-page.js';
import { hashPassword } from '../users/password.js';
import type { PasswordPolicy } from '../users/password-policy.js';
import { afterResponse } from './email-links.js';
import { checkAccountPost } from './form-post.js';
import type { AccountMail } from './mail-context.js';
import { messagePage, registerPage } from './recovery-pages.js';
import { sendVerification, type VerifyEmailPaths } from './verify-email.js';

/** Self-registration creates rows without authentication (L3): 5 accounts per address, then backoff. */
export const REGISTRATIONS_PER_IP = {
  freeFailures: 5,
  baseDelay: 300,
  maxDelay: 86_400,
  forgetAfter: 86_400,
};

const CHECK_EMAIL =
  'We sent a link to your email address. Open it to confirm the address; then sign in with your new account.';

/**
 * Self-registration (`selfRegistration.enabled`, off by default): a username, an email address and a
 * password under the password rules. The answer never tells whether the address already has an
 * account (F5): both get "check your email", and the address's owner gets an email saying so instead
 * of a second account. A taken username is said, as every username form says it.
 */
export function registerSelfRegistration(
  app: FastifyInstance,
  signIn: SignInContext,
  mail: AccountMail,
  paths: { readonly register: string; readonly forgot: string } & VerifyEmailPaths,
  policy: PasswordPolicy,
  /** Read at each request: an administrator may close (or open) registration at run time. */
  setting: { readonly enabled: boolean } = { enabled: true },
  limiter: RateLimiter = createStoreRateLimiter(
    signIn.stores.throttles,
    REGISTRATIONS_PER_IP,
    'registration-ip',
  ),
): void {
  const csp = pageCsp({ imageSources: signIn.theme.imageSources });
  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    input: { username?: string; email?: string; error?: string } = {},
    status = 200,
  ) =>
    sendPage(reply, {
      status,
      csp,
      body: registerPage(signIn.theme, {
        action: paths.register,
        csrfToken: signIn.browser.csrfToken(signIn.browser.ensure(request, reply)),
        minLength: policy.minLength,
        ...input,
      }),
    });

  // Closed: the pages answer as they do where registration was never opened.
  const closed = () => new NotFound('Not found');
  app.get(paths.register, async (request, reply) => {
    if (!setting.enabled) throw closed();
    return form(request, reply);
  });

  app.post(paths.register, async (request, reply) => {
    if (!setting.enabled) throw closed();
    const post = checkAccountPost(signIn, request, ['username', 'email', 'new_password', 'confirm_password']);
    if (!post.ok)
      return sendErrorPage(signIn, reply, {
        status: post.status,
        title: 'Create an account',
        message: post.message,
      });
    const username = (post.form.get('username') ?? '').trim().slice(0, 64);
    const email = (post.form.get('email') ?? '').trim().slice(0, 254);
    const password = post.form.get('new_password') ?? '';
    if (password !== (post.form.get('confirm_password') ?? '')) {
      return form(
        request,
        reply,
        { username, email, error: 'The two passwords differ. Type the same password twice.' },
        400,
      );
    }
    const now = signIn.clock();
    const reserved = await limiter.reserve(request.ip, now);
    if (!reserved.reserved) {
      reply.header('retry-after', String(reserved.retryAfter));
      return sendErrorPage(signIn, reply, {
        status: 429,
        title: 'Too many new accounts',
        message: 'Too many accounts were created from your network. Try again later.',
      });
    }
    const existing = email.includes('@') ? await signIn.stores.users.listByEmail(email) : [];
    if (existing.length > 0) {
      // The same argon2id work as creating the account, so the answer's timing says nothing either (F5).
      await hashPassword(password);
      // Said to the address's owner, not to whoever typed it.
      if ((await mail.limits.reserve(email, request.ip, now)) === 0) {
        const message = alreadyRegisteredMessage(mail.message, {
          to: email,
          signInLink: `${signIn.issuerOrigin}${paths.account}`,
          resetLink: `${signIn.issuerOrigin}${paths.forgot}`,
        });
        afterResponse(mail.logger, 'registration notice', async () => [message], mail.mailer);
      }
      return sendPage(reply, {
        csp,
        body: messagePage(signIn.theme, { title: 'Check your email', message: CHECK_EMAIL }),
      });
    }
    let user: Awaited<ReturnType<typeof createUser>>;
    try {
      user = await createUser(
        signIn.stores,
        { username, email, password, emailVerified: false },
        {
          now: signIn.clock,
          random: signIn.random,
          passwordPolicy: policy,
          actor: { type: 'self', id: username },
        },
      );
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      // The attempt made nothing: it does not count against the address.
      await limiter.release(request.ip);
      const problem =
        error.code === 'ERR_CONFLICT' && error.field === 'username'
          ? 'That username is taken. Choose another.'
          : `Check the form: ${error.message}.`;
      return form(request, reply, { username, email, error: problem }, 400);
    }
    await signIn.stores.audit.append({ type: 'user.registered', at: now, userId: user.id, ip: request.ip });
    if ((await mail.limits.reserve(email, request.ip, now)) === 0) {
      await sendVerification(signIn, mail, paths, user, email, request.ip);
    }
    return sendPage(reply, {
      csp,
      body: messagePage(signIn.theme, { title: 'Check your email', message: CHECK_EMAIL }),
    });
  });
}
