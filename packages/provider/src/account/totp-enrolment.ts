import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { carriedInteraction, continuation } from '../authorization/enrolment-handoff.js';
import { hashRecoveryCode, newRecoveryCodes } from '../login/factors/recovery-code.js';
import { isTotpCode, newTotpSeed, openTotpSeed, sealTotpSeed, totpStep } from '../login/factors/totp.js';
import { reserveEach } from '../login/rate-limiter.js';
import { layout } from '../ui/layout.js';
import { sendPage } from '../ui/send-page.js';
import { recoveryCodesContent } from './factors-section.js';
import { checkAccountPost } from './form-post.js';
import type { SignedIn } from './signed-in.js';

export interface TotpEnrolmentDeps {
  readonly paths: { readonly totpBegin: string; readonly totpConfirm: string; readonly page: string };
  readonly signedIn: (request: FastifyRequest) => Promise<SignedIn | undefined>;
  readonly backToPage: (reply: FastifyReply, notice?: undefined, carried?: string) => FastifyReply;
  readonly refuse: (reply: FastifyReply, status: number, message: string) => FastifyReply;
  readonly showAccount: (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    totpError: string,
    status: number,
  ) => Promise<FastifyReply>;
  readonly csp: string;
}

/**
 * Setting up an authenticator app from the account page: "begin" makes a seed (sealed at rest, F3) and
 * the page shows it as a QR code and as text; "confirm" takes a first code from the app (RFC 6238, ±1
 * step; throttled per user like a sign-in, L1), turns the factor on, and shows the 10 recovery codes
 * once. Both are audited. A confirmed app is replaced only through an administrator's reset.
 */
export function registerTotpEnrolment(
  app: FastifyInstance,
  signIn: SignInContext,
  deps: TotpEnrolmentDeps,
): void {
  app.post(deps.paths.totpBegin, async (request, reply) => {
    const signedIn = await deps.signedIn(request);
    if (signedIn === undefined) return deps.backToPage(reply);
    const post = checkAccountPost(signIn, request, []);
    if (!post.ok) return deps.refuse(reply, post.status, post.message);
    const userId = signedIn.user.id;
    const sealed = sealTotpSeed(signIn.factorSealer, userId, await newTotpSeed());
    if (!(await signIn.stores.factors.beginTotp(userId, sealed, signIn.clock()))) {
      return deps.refuse(reply, 409, 'Two-step verification is already on for your account.');
    }
    return deps.backToPage(reply, undefined, carriedInteraction(request));
  });

  app.post(deps.paths.totpConfirm, async (request, reply) => {
    const signedIn = await deps.signedIn(request);
    if (signedIn === undefined) return deps.backToPage(reply);
    const post = checkAccountPost(signIn, request, ['code']);
    if (!post.ok) return deps.refuse(reply, post.status, post.message);
    const userId = signedIn.user.id;
    const now = signIn.clock();
    const totp = await signIn.stores.factors.getTotp(userId);
    if (totp === undefined || totp.confirmedAt !== null) return deps.backToPage(reply);
    const code = (post.form.get('code') ?? '').replace(/\s+/g, '');
    const key = `user:${userId}`;
    const refused = await reserveEach(now, [{ limiter: signIn.secondFactorLimit, key }]);
    if (refused !== undefined) {
      reply.header('retry-after', String(refused.retryAfter));
      return deps.showAccount(request, reply, signedIn, 'Too many wrong codes. Wait and try again.', 429);
    }
    const seed = openTotpSeed(signIn.factorSealer, userId, totp.sealedSeed);
    const step = isTotpCode(code) ? await totpStep(seed, code, now) : undefined;
    if (step === undefined) {
      return deps.showAccount(
        request,
        reply,
        signedIn,
        'That code is not correct. Enter the code the app shows now.',
        400,
      );
    }
    const codes = newRecoveryCodes(signIn.random);
    if (!(await signIn.stores.factors.confirmTotp(userId, step, codes.map(hashRecoveryCode), now))) {
      return deps.backToPage(reply);
    }
    await signIn.secondFactorLimit.clear(key);
    await signIn.stores.audit.append({
      type: 'factor.enrolled',
      at: now,
      userId,
      ip: request.ip,
      details: { factor: 'totp', recoveryCodes: codes.length },
    });
    // Sent here by an application that requires two-step verification: the code just given is that
    // sign-in's second factor, and the codes page continues to the application.
    const next = await continuation(signIn, request, reply, signedIn.session, ['otp']);
    return sendPage(reply, {
      status: 200,
      csp: next?.csp ?? deps.csp,
      body: layout(signIn.theme, {
        title: 'Save your recovery codes',
        content: recoveryCodesContent(codes, deps.paths.page, next),
      }),
    });
  });
}
