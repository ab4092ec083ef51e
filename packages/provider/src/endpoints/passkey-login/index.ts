import type { FastifyInstance } from 'fastify';
import type { SignInContext } from '../../authorization/context.js';
import { continueAuthorization } from '../../authorization/continue.js';
import { showLoginPage } from '../../authorization/login-page.js';
import { guardInteraction } from '../../authorization/page-guard.js';
import { OAuthError } from '../../errors/index.js';
import { DISCOVERABLE, verifyPasskeyAnswer } from '../../login/factors/passkey.js';
import { reserveEach } from '../../login/rate-limiter.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';

/** Rule 9: an assertion with its sealed challenge is a few KB. */
const MAX_ANSWER_LENGTH = 16_384;

/**
 * POST /login/passkey: username-less sign-in with a discoverable credential (WebAuthn L3 §7.2), from
 * the login page's button or its autofill. The credential names the user; user verification is
 * required, so the passkey alone is two factors (RFC 8176 `hwk`/`swk` + `user`, acr phr). Attempts
 * count against the address's sign-in limit (L1); the sign-in then goes on like any other.
 */
export function registerPasskeyLogin(app: FastifyInstance, context: SignInContext): void {
  app.post(context.paths.passkeyLogin, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    const { interaction, form } = guarded;
    let code: string;
    try {
      code = form.get('code') ?? '';
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      code = '';
    }
    const now = context.clock();
    const refusedPage = (message: string, status: number) =>
      showLoginPage(context, request, reply, interaction, { error: message }, status);
    const ip = `ip:${request.ip}`;
    const refused = await reserveEach(now, [{ limiter: context.limits.ip, key: ip }]);
    if (refused !== undefined) {
      reply.header('retry-after', String(refused.retryAfter));
      return refusedPage('Too many failed attempts. Wait and try again.', 429);
    }
    const verified =
      code.length > 0 && code.length <= MAX_ANSWER_LENGTH
        ? await verifyPasskeyAnswer(
            {
              factors: context.stores.factors,
              sealer: context.factorSealer,
              replayCache: context.stores.replayCache,
              audit: context.stores.audit,
              relyingParty: context.relyingParty,
            },
            code,
            DISCOVERABLE,
            now,
          )
        : undefined;
    const user = verified === undefined ? undefined : await context.stores.users.getById(verified.userId);
    if (verified === undefined || user === undefined || user.disabled) {
      await context.stores.audit.append({
        type: 'sign_in.failure',
        at: now,
        userId: user?.id ?? null,
        clientId: interaction.request.clientId,
        ip: request.ip,
        details: { reason: 'passkey_refused' },
      });
      return refusedPage('The passkey could not sign you in. Use your username and password.', 400);
    }
    await context.limits.ip.release(ip);
    await context.stores.audit.append({
      type: 'sign_in.success',
      at: now,
      userId: user.id,
      clientId: interaction.request.clientId,
      ip: request.ip,
      details: { amr: verified.amr },
    });
    return continueAuthorization(context, request, reply, interaction.request, {
      session: undefined,
      interaction,
      browser: () => interaction.browser,
      pending: { userId: user.id, amr: verified.amr },
      justAuthenticated: true,
    });
  });
}
