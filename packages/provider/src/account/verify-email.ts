import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { currentSession } from '../authorization/continue.js';
import { verifyEmailMessage } from '../email/messages.js';
import type { UserRecord } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import { sendPage } from '../ui/send-page.js';
import { afterResponse, emailLinkDeps, issueEmailLink, linkTokenHash } from './email-links.js';
import { checkAccountPost } from './form-post.js';
import type { AccountMail } from './mail-context.js';
import { readToken } from './password-reset.js';
import { confirmEmailPage, messagePage } from './recovery-pages.js';

export interface VerifyEmailPaths {
  /** POST from the account page: send a link to the account's address. */
  readonly send: string;
  /** The link (GET shows a confirm button) and its form (POST confirms). */
  readonly verify: string;
  readonly account: string;
}

/**
 * Email verification (F5): a single-use, short-lived link to the address on the account; confirming it
 * sets `email_verified` only while that is still the account's address. Opening the link only shows a
 * button (mail scanners open links); the POST confirms.
 */
export function registerEmailVerification(
  app: FastifyInstance,
  signIn: SignInContext,
  mail: AccountMail,
  paths: VerifyEmailPaths,
): void {
  const csp = pageCsp({ imageSources: signIn.theme.imageSources });
  const expired = (reply: FastifyReply) =>
    sendErrorPage(signIn, reply, {
      status: 400,
      title: 'This link no longer works',
      message:
        'The link has expired, was already used, or was for another address. Ask for a new one from your account page.',
    });

  app.post(paths.send, async (request, reply) => {
    const session = await currentSession(signIn, request);
    const user = session === undefined ? undefined : await signIn.stores.users.getById(session.userId);
    if (user === undefined) return reply.code(303).headers({ location: paths.account }).send();
    const post = checkAccountPost(signIn, request, []);
    if (!post.ok)
      return sendErrorPage(signIn, reply, {
        status: post.status,
        title: 'Your account',
        message: post.message,
      });
    if (user.email === null || user.emailVerified) {
      return sendErrorPage(signIn, reply, {
        status: 400,
        title: 'Your account',
        message: 'There is no unconfirmed email address on your account.',
      });
    }
    const wait = await mail.limits.reserve(user.email, request.ip, signIn.clock());
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendErrorPage(signIn, reply, {
        status: 429,
        title: 'Too many emails',
        message: `We sent several emails already. Wait ${Math.ceil(wait / 60)} minutes and try again.`,
      });
    }
    await sendVerification(signIn, mail, paths, user, user.email, request.ip);
    return reply
      .code(303)
      .headers({ location: `${paths.account}?done=verification-sent`, 'cache-control': 'no-store' })
      .send();
  });

  app.get(paths.verify, async (request, reply) => {
    const token = readToken(request.url);
    const hash = linkTokenHash(token);
    const link =
      hash === undefined
        ? undefined
        : await signIn.stores.emailLinks.peek(hash, 'verify-email', signIn.clock());
    if (token === undefined || link === undefined) return expired(reply);
    const csrfToken = signIn.browser.csrfToken(signIn.browser.ensure(request, reply));
    return sendPage(reply, {
      csp,
      body: confirmEmailPage(signIn.theme, { action: paths.verify, csrfToken, token, email: link.email }),
    });
  });

  app.post(paths.verify, async (request: FastifyRequest, reply) => {
    const post = checkAccountPost(signIn, request, ['token']);
    if (!post.ok)
      return sendErrorPage(signIn, reply, {
        status: post.status,
        title: 'Confirm your email address',
        message: post.message,
      });
    const hash = linkTokenHash(post.form.get('token'));
    const now = signIn.clock();
    const link =
      hash === undefined ? undefined : await signIn.stores.emailLinks.consume(hash, 'verify-email', now);
    if (link === undefined || !(await signIn.stores.users.markEmailVerified(link.userId, link.email, now))) {
      return expired(reply);
    }
    await signIn.stores.audit.append({
      type: 'email.verified',
      at: now,
      userId: link.userId,
      ip: request.ip,
    });
    return sendPage(reply, {
      csp,
      body: messagePage(signIn.theme, {
        title: 'Email address confirmed',
        message: `${link.email} is confirmed. Applications you allow to see your email now see it as verified.`,
        link: { href: paths.account, text: 'Go to your account' },
      }),
    });
  });
}

/** Issues a verification link for `email` and sends it after the answer. */
export async function sendVerification(
  signIn: SignInContext,
  mail: AccountMail,
  paths: VerifyEmailPaths,
  user: Pick<UserRecord, 'id'>,
  email: string,
  ip: string,
): Promise<void> {
  const link = await issueEmailLink(emailLinkDeps(signIn, mail.linkLifetime), user, email, 'verify-email');
  await signIn.stores.audit.append({
    type: 'email.verification_sent',
    at: signIn.clock(),
    userId: user.id,
    ip,
  });
  const message = verifyEmailMessage(mail.message, {
    to: email,
    link: `${signIn.issuerOrigin}${paths.verify}?token=${link.token}`,
    minutes: link.minutes,
  });
  afterResponse(mail.logger, 'verification email', async () => [message], mail.mailer);
}
