import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../admin/errors.js';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { resetPasswordMessage } from '../email/messages.js';
import { OAuthError } from '../errors/index.js';
import { RequestParams } from '../lib/request-params.js';
import type { UserRecord } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import { sendPage } from '../ui/send-page.js';
import { changeOwnPassword } from '../users/change-password.js';
import { checkNewPassword, type PasswordPolicy } from '../users/password-policy.js';
import { afterResponse, emailLinkDeps, issueEmailLink, linkTokenHash } from './email-links.js';
import { checkAccountPost } from './form-post.js';
import type { AccountMail } from './mail-context.js';
import { forgotPasswordPage, messagePage, newPasswordPage } from './recovery-pages.js';

export interface PasswordResetPaths {
  readonly forgot: string;
  readonly reset: string;
  readonly account: string;
}

const SENT_MESSAGE =
  'If an account matches, we sent a link to its email address. It works once, for a short time. Check your inbox (and spam folder).';

/**
 * Password reset by email (F5): the request page answers the same, with the same work on the request
 * path, whether or not an account matches (the lookup, link and email happen after the answer);
 * sends are throttled per address and per client address (L1); the link is single use, short-lived and
 * bound to the account. Setting the new password ends every session and grant of the account.
 */
export function registerPasswordReset(
  app: FastifyInstance,
  signIn: SignInContext,
  mail: AccountMail,
  paths: PasswordResetPaths,
  policy: PasswordPolicy,
): void {
  const csp = pageCsp({ imageSources: signIn.theme.imageSources });
  const csrfFor = (request: FastifyRequest, reply: FastifyReply) =>
    signIn.browser.csrfToken(signIn.browser.ensure(request, reply));
  const expired = (reply: FastifyReply) =>
    sendErrorPage(signIn, reply, {
      status: 400,
      title: 'This link no longer works',
      message: 'The link has expired or was already used. Ask for a new one from the sign-in page.',
    });

  app.get(paths.forgot, async (request, reply) =>
    sendPage(reply, {
      csp,
      body: forgotPasswordPage(signIn.theme, { action: paths.forgot, csrfToken: csrfFor(request, reply) }),
    }),
  );

  app.post(paths.forgot, async (request, reply) => {
    const post = checkAccountPost(signIn, request, ['account']);
    if (!post.ok)
      return sendErrorPage(signIn, reply, {
        status: post.status,
        title: 'Forgot your password?',
        message: post.message,
      });
    const typed = (post.form.get('account') ?? '').trim();
    if (typed === '' || typed.length > 254) {
      return sendPage(reply, {
        status: 400,
        csp,
        body: forgotPasswordPage(signIn.theme, {
          action: paths.forgot,
          csrfToken: csrfFor(request, reply),
          error: 'Enter your username or email address.',
        }),
      });
    }
    const wait = await mail.limits.reserve(typed, request.ip, signIn.clock());
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendErrorPage(signIn, reply, {
        status: 429,
        title: 'Too many requests',
        message: `Too many emails were asked for. Wait ${Math.ceil(wait / 60)} minutes and try again.`,
      });
    }
    const ip = request.ip;
    afterResponse(
      mail.logger,
      'password reset email',
      async () => {
        const users = await accountsFor(signIn, typed);
        const messages = [];
        for (const user of users) {
          if (user.email === null || user.disabled) continue;
          const link = await issueEmailLink(
            emailLinkDeps(signIn, mail.linkLifetime),
            user,
            user.email,
            'reset-password',
          );
          await signIn.stores.audit.append({
            type: 'password.reset_requested',
            at: signIn.clock(),
            userId: user.id,
            ip,
          });
          messages.push(
            resetPasswordMessage(mail.message, {
              to: user.email,
              username: user.username,
              link: `${signIn.issuerOrigin}${paths.reset}?token=${link.token}`,
              minutes: link.minutes,
            }),
          );
        }
        return messages;
      },
      mail.mailer,
    );
    return sendPage(reply, {
      csp,
      body: messagePage(signIn.theme, { title: 'Check your email', message: SENT_MESSAGE }),
    });
  });

  app.get(paths.reset, async (request, reply) => {
    const token = readToken(request.url);
    const hash = linkTokenHash(token);
    const link =
      hash === undefined
        ? undefined
        : await signIn.stores.emailLinks.peek(hash, 'reset-password', signIn.clock());
    const user = link === undefined ? undefined : await signIn.stores.users.getById(link.userId);
    if (token === undefined || user === undefined || user.disabled) return expired(reply);
    return showNewPassword(request, reply, token, user);
  });

  const showNewPassword = (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    user: UserRecord,
    error?: string,
  ) =>
    sendPage(reply, {
      status: error === undefined ? 200 : 400,
      csp,
      body: newPasswordPage(signIn.theme, {
        action: paths.reset,
        csrfToken: csrfFor(request, reply),
        token,
        username: user.username,
        minLength: policy.minLength,
        ...(error === undefined ? {} : { error }),
      }),
    });

  app.post(paths.reset, async (request, reply) => {
    const post = checkAccountPost(signIn, request, ['token', 'new_password', 'confirm_password']);
    if (!post.ok)
      return sendErrorPage(signIn, reply, {
        status: post.status,
        title: 'Choose a new password',
        message: post.message,
      });
    const token = post.form.get('token') ?? '';
    const hash = linkTokenHash(token);
    const now = signIn.clock();
    const pending =
      hash === undefined ? undefined : await signIn.stores.emailLinks.peek(hash, 'reset-password', now);
    const owner = pending === undefined ? undefined : await signIn.stores.users.getById(pending.userId);
    if (hash === undefined || owner === undefined || owner.disabled) return expired(reply);
    const next = post.form.get('new_password') ?? '';
    if (next !== (post.form.get('confirm_password') ?? '')) {
      return showNewPassword(
        request,
        reply,
        token,
        owner,
        'The two passwords differ. Type the same password twice.',
      );
    }
    try {
      // Checked before the link is spent, so a refused password does not cost the person their link.
      checkNewPassword(next, policy, { username: owner.username });
    } catch (error) {
      if (error instanceof AdminError) {
        return showNewPassword(
          request,
          reply,
          token,
          owner,
          `That password was refused: ${error.message.replace(/^password: /, '')}.`,
        );
      }
      throw error;
    }
    // DESIGN rule 7: of two submissions of one link, exactly one changes the password.
    const link = await signIn.stores.emailLinks.consume(hash, 'reset-password', now);
    if (link === undefined) return expired(reply);
    await changeOwnPassword(signIn.stores, owner, next, { policy, now: signIn.clock });
    // The link reached the person at this address: it is theirs.
    await signIn.stores.users.markEmailVerified(owner.id, link.email, now);
    await signIn.stores.emailLinks.consumeAllForUser(owner.id, 'reset-password', now);
    // Whoever held the account before (the reason for many resets) is out: sessions and grants (R3).
    const [sessionsEnded, grantsRevoked] = await Promise.all([
      signIn.stores.sessions.endAllForUser(owner.id, now),
      signIn.stores.grants.revokeByUser(owner.id, now),
    ]);
    await signIn.stores.audit.append({
      type: 'password.reset',
      at: now,
      userId: owner.id,
      ip: request.ip,
      details: { sessionsEnded, grantsRevoked },
    });
    return sendPage(reply, {
      csp,
      body: messagePage(signIn.theme, {
        title: 'Password changed',
        message:
          'Your new password is set and you were signed out everywhere. Sign in with the new password.',
        link: { href: paths.account, text: 'Sign in' },
      }),
    });
  });
}

/** The accounts a typed username or address names: by username first, else every user of the address. */
async function accountsFor(signIn: SignInContext, typed: string): Promise<UserRecord[]> {
  if (!typed.includes('@')) {
    const user = await signIn.stores.users.getByUsername(typed.toLowerCase());
    return user === undefined ? [] : [user];
  }
  const byUsername = await signIn.stores.users.getByUsername(typed.toLowerCase());
  return byUsername !== undefined ? [byUsername] : signIn.stores.users.listByEmail(typed);
}

export function readToken(url: string): string | undefined {
  try {
    return RequestParams.fromUrl(url).get('token');
  } catch (error) {
    if (error instanceof OAuthError) return undefined;
    throw error;
  }
}
