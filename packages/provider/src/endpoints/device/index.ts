import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SignInContext, sendErrorPage } from '../../authorization/context.js';
import { currentSession } from '../../authorization/continue.js';
import { OAuthError } from '../../errors/index.js';
import { RequestParams } from '../../lib/request-params.js';
import { acrOf, amrOf } from '../../login/factors/acr.js';
import { enrolledMethods } from '../../login/factors/index.js';
import { type BackoffPolicy, createStoreRateLimiter, type RateLimiter } from '../../login/rate-limiter.js';
import { signInWithPassword } from '../../login/sign-in.js';
import { findScope } from '../../scopes/index.js';
import { isSameOriginPost } from '../../sessions/origin-check.js';
import type { DeviceCodeRecord, DeviceCodeStore, SessionRecord } from '../../store/types.js';
import { pageCsp } from '../../ui/csp.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { loginPage } from '../../ui/pages/login.js';
import { sendPage } from '../../ui/send-page.js';
import { formatUserCode, normalizeUserCode } from '../device-authorization/user-code.js';
import { ENDPOINT_PATHS } from '../paths.js';
import { confirmDevicePage, deviceDonePage, enterCodePage } from './pages.js';

/**
 * RFC 8628 §5.1: user codes are short, so guessing is rate-limited per address. Every code typed is
 * reserved as a failure before it is looked up (L1) and given back when it was right; wrong or expired
 * codes stay failures: 5 free, then 2 s, 4 s, 8 s … up to 15 minutes, forgotten after an hour.
 */
export const USER_CODE_POLICY: BackoffPolicy = {
  freeFailures: 5,
  baseDelay: 2,
  maxDelay: 900,
  forgetAfter: 3600,
};

export interface DevicePageDeps {
  readonly signIn: SignInContext;
  readonly deviceCodes: Pick<DeviceCodeStore, 'getPendingByUserCode' | 'approve' | 'deny'>;
  /** Default: counted in the database (shared by a cluster), USER_CODE_POLICY. */
  readonly limiter?: RateLimiter;
}

const MAX_USERNAME_LENGTH = 256;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * GET /device and POST /device, the user interaction of RFC 8628 §3.3: the person types the code (or
 * arrives with it from verification_uri_complete, §3.3.1: prefilled, never submitted by itself), signs
 * in if needed with the provider's own login form, sees the client and scopes, and allows or denies.
 * Every POST is a form from our own origin with the browser-bound CSRF token (S4); pages are the
 * sign-in pages' layout with their CSP, no-store and no framing (S5, S7).
 */
export function registerDevicePage(app: FastifyInstance, deps: DevicePageDeps): void {
  const { signIn } = deps;
  const action = signIn.basePath + ENDPOINT_PATHS.device;
  const limiter =
    deps.limiter ?? createStoreRateLimiter(signIn.stores.throttles, USER_CODE_POLICY, 'device-user-code');
  const csp = pageCsp({ imageSources: signIn.theme.imageSources });

  const show = (
    reply: FastifyReply,
    request: FastifyRequest,
    page: (csrfToken: string) => ReturnType<typeof loginPage>,
    status = 200,
  ) => {
    const browserId = signIn.browser.ensure(request, reply);
    return sendPage(reply, { status, body: page(signIn.browser.csrfToken(browserId)), csp });
  };
  const enterCode = (
    request: FastifyRequest,
    reply: FastifyReply,
    input: { readonly userCode?: string; readonly error?: string },
    status = 200,
  ) =>
    show(reply, request, (csrfToken) => enterCodePage(signIn.theme, { action, csrfToken, ...input }), status);

  app.get(action, PAGE_ROUTE, async (request, reply) => {
    let prefilled: string | undefined;
    try {
      prefilled = RequestParams.fromUrl(request.url).get('user_code');
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
    }
    const normalized = prefilled === undefined ? undefined : normalizeUserCode(prefilled);
    return enterCode(
      request,
      reply,
      normalized === undefined ? {} : { userCode: formatUserCode(normalized) },
    );
  });

  app.post(action, PAGE_ROUTE, async (request, reply) => {
    const form = request.form;
    if (form === undefined) return fail(signIn, reply, 400, 'The form was not sent as a form.');
    if (!isSameOriginPost(request, signIn.issuerOrigin)) {
      return fail(signIn, reply, 403, 'The form was sent from another site, so it was refused.');
    }
    let fields: { typed: string; decision?: string; username?: string; password?: string };
    try {
      if (!signIn.browser.checkCsrfToken(signIn.browser.read(request), form.get('csrf_token'))) {
        return fail(
          signIn,
          reply,
          403,
          'The form has expired or was not sent from this browser. Start again.',
        );
      }
      // The reused login form carries the code in its `interaction` field.
      const typed = form.get('user_code') ?? form.get('interaction') ?? '';
      fields = { typed };
      const decision = form.get('decision');
      if (decision !== undefined) fields.decision = decision;
      if (form.has('password') || form.has('username')) {
        fields.username = form.get('username') ?? '';
        fields.password = form.get('password') ?? '';
      }
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return enterCode(request, reply, { error: 'Enter the code shown on your device.' }, 400);
    }

    // RFC 8628 §5.1: throttle guessing before looking anything up. L1: the guess is reserved (counted
    // as a failure) before the lookup, so guesses sent at once cannot all be looked up.
    const now = signIn.clock();
    const key = `ip:${request.ip}`;
    const reservation = await limiter.reserve(key, now);
    if (!reservation.reserved) {
      reply.header('retry-after', String(reservation.retryAfter));
      return enterCode(
        request,
        reply,
        { error: `Too many wrong codes. Wait ${reservation.retryAfter} seconds and try again.` },
        429,
      );
    }
    const code = normalizeUserCode(fields.typed);
    const pending = code === undefined ? undefined : await deps.deviceCodes.getPendingByUserCode(code, now);
    if (code === undefined || pending === undefined) {
      return enterCode(
        request,
        reply,
        {
          userCode: fields.typed.slice(0, 64),
          error: 'That code is not valid, or it has expired. Check your device.',
        },
        400,
      );
    }
    // A right code is no failure: the address gets its attempt back.
    await limiter.release(key);
    const client = await signIn.stores.clients.get(pending.clientId);
    if (client === undefined) return fail(signIn, reply, 400, 'The application is no longer registered.');
    const shown = formatUserCode(code);

    let session = await currentSession(signIn, request);
    if (fields.password !== undefined && fields.username !== undefined) {
      const login = (error: string, status: number) =>
        show(
          reply,
          request,
          (csrfToken) =>
            loginPage(signIn.theme, {
              action,
              interaction: shown,
              csrfToken,
              clientName: client.name,
              username: fields.username!.slice(0, MAX_USERNAME_LENGTH),
              error,
            }),
          status,
        );
      const { username, password } = fields;
      if (
        !username ||
        !password ||
        username.length > MAX_USERNAME_LENGTH ||
        password.length > MAX_PASSWORD_LENGTH
      ) {
        return login('Enter your username and password.', 400);
      }
      const result = await signInWithPassword(signIn, {
        username,
        password,
        ip: request.ip,
        clientId: client.clientId,
      });
      if (result.status === 'throttled') {
        reply.header('retry-after', String(result.retryAfter));
        return login(`Too many failed attempts. Wait ${result.retryAfter} seconds and try again.`, 429);
      }
      if (result.status === 'invalid') return login('Incorrect username or password.', 400);
      // This form has no second step: an account with a second factor signs in where it is asked for.
      if ((await enrolledMethods(signIn.secondFactors, result.user.id)).length > 0) {
        return login(
          'Your account uses two-step verification. Sign in on your account page in this browser first, then enter the code again.',
          403,
        );
      }
      const amr = amrOf(result.amr);
      session = await signIn.sessions.start(request, reply, {
        userId: result.user.id,
        amr,
        acr: acrOf(amr),
      });
    }
    if (session === undefined) {
      return show(reply, request, (csrfToken) =>
        loginPage(signIn.theme, { action, interaction: shown, csrfToken, clientName: client.name }),
      );
    }
    if (fields.decision === 'approve' || fields.decision === 'deny') {
      return decide(deps, reply, pending, session, fields.decision === 'approve');
    }
    const user = await signIn.stores.users.getById(session.userId);
    return show(reply, request, (csrfToken) =>
      confirmDevicePage(signIn.theme, {
        action,
        csrfToken,
        userCode: shown,
        clientName: client.name,
        account: user?.profile.name ?? user?.username ?? '',
        permissions: pending.scopes.map(
          (scope) => findScope(scope)?.description ?? `Use the “${scope}” permission`,
        ),
      }),
    );
  });
}

/**
 * The person's answer. Approval records a grant (so logout and revocation reach the device's tokens)
 * and moves the code pending → approved; denial moves it to denied. Either is a single conditional
 * update: a code answered twice, or expired meanwhile, is not changed again.
 */
async function decide(
  deps: DevicePageDeps,
  reply: FastifyReply,
  pending: DeviceCodeRecord,
  session: SessionRecord,
  approved: boolean,
): Promise<FastifyReply> {
  const { signIn } = deps;
  const now = signIn.clock();
  let changed: boolean;
  if (approved) {
    const grantId = signIn.random(16).toString('base64url');
    await signIn.stores.grants.create({
      id: grantId,
      clientId: pending.clientId,
      userId: session.userId,
      scopes: pending.scopes,
      resources: pending.resources,
      sid: session.sid,
      createdAt: now,
      revokedAt: null,
    });
    changed = await deps.deviceCodes.approve(
      pending.userCode,
      { userId: session.userId, grantId, sid: session.sid, authTime: session.authTime },
      now,
    );
    if (!changed) await signIn.stores.grants.revoke(grantId, now);
  } else {
    changed = await deps.deviceCodes.deny(pending.userCode, now);
  }
  if (!changed)
    return fail(signIn, reply, 400, 'This code was already used or has expired. Start again on your device.');
  await signIn.stores.audit.append({
    type: approved ? 'device.approved' : 'device.denied',
    at: now,
    userId: session.userId,
    clientId: pending.clientId,
    details: { scopes: [...pending.scopes] },
  });
  return sendPage(reply, {
    body: deviceDonePage(signIn.theme, approved),
    csp: pageCsp({ imageSources: signIn.theme.imageSources }),
  });
}

function fail(signIn: SignInContext, reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendErrorPage(signIn, reply, { status, title: 'This device sign-in cannot continue', message });
}
