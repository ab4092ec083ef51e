import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SignInContext, sendErrorPage } from '../../authorization/context.js';
import { continueAuthorization } from '../../authorization/continue.js';
import type { PendingSignIn } from '../../authorization/next-step.js';
import { guardInteraction } from '../../authorization/page-guard.js';
import { showSecondFactorPage } from '../../authorization/second-factor-page.js';
import { OAuthError } from '../../errors/index.js';
import { verifySecondFactor } from '../../login/second-factor.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { formatWait } from '../login/format-wait.js';

/**
 * GET /login/second-factor shows the code form of a sign-in whose password was right (or of a session
 * stepping up); POST checks the code (throttled per user, F1/L1) and moves the request on, with the
 * factor added to the sign-in's methods. Who is signing in travels in the sealed, browser-bound
 * interaction; a step-up of a session that has since ended is refused.
 */
export function registerSecondFactor(app: FastifyInstance, context: SignInContext): void {
  app.get(context.paths.secondFactor, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    if (guarded.interaction.pending === undefined) return restart(context, reply);
    return showSecondFactorPage(context, request, reply, guarded.interaction);
  });

  app.post(context.paths.secondFactor, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    const { interaction, form } = guarded;
    const pending = interaction.pending;
    if (pending === undefined || !(await stillLive(context, pending))) return restart(context, reply);
    let code: string;
    try {
      code = form.get('code') ?? '';
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      code = '';
    }
    const result = await verifySecondFactor(context, {
      userId: pending.userId,
      code,
      ip: request.ip,
      clientId: interaction.request.clientId,
    });
    if (result.status === 'throttled') {
      reply.header('retry-after', String(result.retryAfter));
      const wait = `Too many wrong codes. Wait ${formatWait(result.retryAfter)} and try again.`;
      return showSecondFactorPage(context, request, reply, interaction, wait, 429);
    }
    if (result.status === 'invalid') {
      const wrong = 'That code is not correct, or was already used. Enter a new code.';
      return showSecondFactorPage(context, request, reply, interaction, wrong, 400);
    }
    return continueAuthorization(context, request, reply, interaction.request, {
      session: undefined,
      interaction: { ...interaction, pending: undefined },
      browser: () => interaction.browser,
      justAuthenticated: true,
      pending: { userId: pending.userId, amr: [...pending.amr, ...result.amr] },
    });
  });

  // The account page's enrolment, done for this request (enrolment-handoff.ts): the factor it proved is
  // already in the sealed sign-in, so the request goes on from it (a new session, then consent).
  app.post(context.paths.enrolled, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    const { interaction } = guarded;
    const pending = interaction.pending;
    if (pending === undefined || !(await stillLive(context, pending))) return restart(context, reply);
    return continueAuthorization(context, request, reply, interaction.request, {
      session: undefined,
      interaction: { ...interaction, pending: undefined },
      browser: () => interaction.browser,
      justAuthenticated: true,
      pending: { userId: pending.userId, amr: pending.amr },
    });
  });
}

/** A step-up or enrolment of a session that has since ended (signed out, expired) goes no further. */
async function stillLive(context: SignInContext, pending: PendingSignIn): Promise<boolean> {
  if (pending.sid === undefined) return true;
  const session = await context.stores.sessions.getBySid(pending.sid);
  return session !== undefined && session.endedAt === null && session.expiresAt > context.clock();
}

/** No sign-in in progress here (an old link, or the session stepping up was ended meanwhile). */
function restart(context: SignInContext, reply: FastifyReply): FastifyReply {
  return sendErrorPage(context, reply, {
    status: 400,
    title: 'This sign-in request cannot continue',
    message: 'This sign-in is no longer in progress.',
  });
}
