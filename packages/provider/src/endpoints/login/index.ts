import type { FastifyInstance } from 'fastify';
import type { SignInContext } from '../../authorization/context.js';
import { continueAuthorization } from '../../authorization/continue.js';
import { showFirstLoginPage, showLoginPage } from '../../authorization/login-page.js';
import { guardInteraction } from '../../authorization/page-guard.js';
import { OAuthError } from '../../errors/index.js';
import { signInWithPassword } from '../../login/sign-in.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { formatWait } from './format-wait.js';

/** Bounds on what the form may carry (rule 9); the password bound matches the user service's. */
const MAX_USERNAME_LENGTH = 256;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * GET /login shows the sign-in form for a pending authorization request; POST /login checks the
 * password (rate-limited, S1; one answer for unknown user and wrong password, S2) and moves the request
 * on: to the second factor when the policy asks for one, else a NEW session (S3) and on to consent, or
 * straight back to the client.
 */
export function registerLogin(app: FastifyInstance, context: SignInContext): void {
  app.get(context.paths.login, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    return showFirstLoginPage(context, request, reply, guarded.interaction);
  });

  app.post(context.paths.login, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    const { interaction, form } = guarded;
    let username: string;
    let password: string;
    try {
      username = form.get('username') ?? '';
      password = form.get('password') ?? '';
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return showLoginPage(
        context,
        request,
        reply,
        interaction,
        { error: 'Enter your username and password.' },
        400,
      );
    }
    if (
      username === '' ||
      password === '' ||
      username.length > MAX_USERNAME_LENGTH ||
      password.length > MAX_PASSWORD_LENGTH
    ) {
      return showLoginPage(
        context,
        request,
        reply,
        interaction,
        { username: username.slice(0, MAX_USERNAME_LENGTH), error: 'Enter your username and password.' },
        400,
      );
    }
    const result = await signInWithPassword(context, {
      username,
      password,
      ip: request.ip,
      clientId: interaction.request.clientId,
    });
    if (result.status === 'throttled') {
      reply.header('retry-after', String(result.retryAfter));
      return showLoginPage(
        context,
        request,
        reply,
        interaction,
        { username, error: `Too many failed attempts. Wait ${formatWait(result.retryAfter)} and try again.` },
        429,
      );
    }
    if (result.status === 'invalid') {
      // S2: the same words, status and work for an unknown user, a disabled one and a wrong password.
      return showLoginPage(
        context,
        request,
        reply,
        interaction,
        { username, error: 'Incorrect username or password.' },
        400,
      );
    }
    // No session yet: the policy may ask for a second factor first (continue.ts starts it when complete).
    return continueAuthorization(context, request, reply, interaction.request, {
      session: undefined,
      interaction,
      browser: () => interaction.browser,
      pending: { userId: result.user.id, amr: result.amr },
      justAuthenticated: true,
    });
  });
}
