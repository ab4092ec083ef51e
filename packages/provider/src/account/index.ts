import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../admin/errors.js';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { CARRIED_FIELD, carriedInteraction } from '../authorization/enrolment-handoff.js';
import { ACCOUNT_PATHS, ENDPOINT_PATHS } from '../endpoints/paths.js';
import { OAuthError } from '../errors/index.js';
import { RequestParams } from '../lib/request-params.js';
import { acrOf, amrOf } from '../login/factors/acr.js';
import { enrolledMethods } from '../login/factors/index.js';
import { signInWithPassword } from '../login/sign-in.js';
import type { Logout } from '../logout/log-out.js';
import { pageCsp } from '../ui/csp.js';
import { html } from '../ui/html.js';
import { loginPage } from '../ui/pages/login.js';
import { sendPage } from '../ui/send-page.js';
import { changeOwnPassword } from '../users/change-password.js';
import { MAX_PASSWORD_LENGTH, type PasswordPolicy } from '../users/password-policy.js';
import { factorsSection } from './factors-section.js';
import { loadFactorsView } from './factors-view.js';
import { checkAccountPost } from './form-post.js';
import { accountSignInButtons, linkedIdentities, registerIdentityUnlink } from './linked-identities.js';
import type { AccountMail } from './mail-context.js';
import { type AccountPaths, accountPage, NOTICES, type Notice } from './pages.js';
import { passkeysSection, registerPasskeyRoutes } from './passkeys.js';
import { registerPasswordReset } from './password-reset.js';
import { registerSelfRegistration } from './registration.js';
import { createAccountSecondFactor } from './second-factor.js';
import { type SignedIn, signedInPerson } from './signed-in.js';
import { registerTotpEnrolment } from './totp-enrolment.js';
import { registerEmailVerification } from './verify-email.js';
import { loadAccountView } from './view.js';

export interface AccountDeps {
  readonly signIn: SignInContext;
  /** Ends a session the way /logout does: its grants revoked, its clients told (back channel). */
  readonly logout: Logout;
  /** Email delivery; without it there is no verification, password reset or registration. */
  readonly mail?: AccountMail | undefined;
  /**
   * Self-registration (config selfRegistration.enabled; needs mail). The live config section: the
   * setting can change at run time (settings/), so it is read at each request.
   */
  readonly registration?: { readonly enabled: boolean };
  /** config.passwords: the rules for a new password. */
  readonly passwordPolicy: PasswordPolicy;
}

const MAX_USERNAME_LENGTH = 256;

/**
 * The account page (`/account`): for every signed-in person, what the provider knows about them, their
 * password, where they are signed in (end one session or all others), the applications they allowed
 * (disconnecting one revokes its grants, so its refresh tokens stop working), and their own recent
 * security events. It is the provider's own page, on the provider's session, not a relying party: the
 * same cookie, CSRF binding (S4), CSP (S5) and no-store (S7) as the sign-in pages. Every POST answers
 * 303 back to the page (PRG), with a fixed notice.
 */
export function registerAccount(app: FastifyInstance, deps: AccountDeps): void {
  const { signIn } = deps;
  const at = (path: string) => signIn.basePath + path;
  const paths = {
    page: at(ACCOUNT_PATHS.page),
    signIn: at(ACCOUNT_PATHS.signIn),
    password: at(ACCOUNT_PATHS.password),
    endSession: at(ACCOUNT_PATHS.endSession),
    endOtherSessions: at(ACCOUNT_PATHS.endOtherSessions),
    disconnect: at(ACCOUNT_PATHS.disconnect),
    signOut: at(ENDPOINT_PATHS.endSession),
    sendVerification: deps.mail === undefined ? undefined : at(ACCOUNT_PATHS.sendVerification),
  } satisfies AccountPaths & Record<string, string | undefined>;
  const { mail } = deps;
  if (mail !== undefined) {
    const account = paths.page;
    const verify = {
      send: at(ACCOUNT_PATHS.sendVerification),
      verify: at(ACCOUNT_PATHS.verifyEmail),
      account,
    };
    const forgot = at(ACCOUNT_PATHS.forgotPassword);
    registerEmailVerification(app, signIn, mail, verify);
    registerPasswordReset(
      app,
      signIn,
      mail,
      { forgot, reset: at(ACCOUNT_PATHS.resetPassword), account },
      deps.passwordPolicy,
    );
    if (deps.registration)
      registerSelfRegistration(
        app,
        signIn,
        mail,
        {
          ...verify,
          forgot,
          register: at(ACCOUNT_PATHS.register),
        },
        deps.passwordPolicy,
        deps.registration,
      );
  }
  if (signIn.federation !== undefined) {
    registerIdentityUnlink(app, signIn, { unlink: at(ACCOUNT_PATHS.unlinkIdentity), page: paths.page });
  }
  const csp = pageCsp({ imageSources: signIn.theme.imageSources });
  // The account page runs the provider's own passkey scripts, nothing else.
  const accountPageCsp = pageCsp({ imageSources: signIn.theme.imageSources, ownScripts: true });
  const passkeyPaths = {
    register: at(ACCOUNT_PATHS.passkeyRegister),
    remove: at(ACCOUNT_PATHS.passkeyRemove),
  };
  const factorPaths = { totpBegin: at(ACCOUNT_PATHS.totpBegin), totpConfirm: at(ACCOUNT_PATHS.totpConfirm) };
  const backToPage = (reply: FastifyReply, notice?: Notice, carried?: string) =>
    reply
      .code(303)
      .headers({
        location:
          notice !== undefined
            ? `${paths.page}?done=${notice}`
            : carried !== undefined
              ? `${paths.page}?${new URLSearchParams({ [CARRIED_FIELD]: carried })}`
              : paths.page,
        'cache-control': 'no-store',
      })
      .send();
  const refuse = (reply: FastifyReply, status: number, message: string) =>
    sendErrorPage(signIn, reply, { status, title: 'Your account', message });

  const showSignIn = (
    request: FastifyRequest,
    reply: FastifyReply,
    input: { username?: string; error?: string } = {},
    status = 200,
  ) => {
    const browserId = signIn.browser.ensure(request, reply);
    return sendPage(reply, {
      status,
      csp,
      body: loginPage(signIn.theme, {
        action: paths.signIn,
        interaction: '',
        csrfToken: signIn.browser.csrfToken(browserId),
        clientName: 'your account',
        links: signIn.accountLinks,
        providers: accountSignInButtons(signIn, signIn.browser.csrfToken(browserId)),
        ...input,
      }),
    });
  };

  const showAccount = async (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    extra: { readonly notice?: Notice; readonly passwordError?: string; readonly totpError?: string } = {},
    status = 200,
  ) => {
    const browserId = signIn.browser.ensure(request, reply);
    const csrfToken = signIn.browser.csrfToken(browserId);
    const { totpError, ...pageExtra } = extra;
    const hidden = html`<input type="hidden" name="csrf_token" value="${csrfToken}">`;
    // An enrolment that continues an application's sign-in carries its request through its forms.
    const carried = carriedInteraction(request);
    const enrolHidden =
      carried === undefined
        ? hidden
        : html`${hidden}<input type="hidden" name="${CARRIED_FIELD}" value="${carried}">`;
    // The page's parts read the store independently: all at once, not one after the other.
    const [view, factorsView, passkeys, identities] = await Promise.all([
      loadAccountView(signIn.stores, signedIn.session, signedIn.user, signIn.clock()),
      loadFactorsView(signIn, signedIn.user),
      passkeysSection(signIn, signedIn.user, passkeyPaths, enrolHidden),
      linkedIdentities(signIn, signedIn.user.id, csrfToken, at(ACCOUNT_PATHS.unlinkIdentity)),
    ]);
    const factors = factorsSection(factorsView, factorPaths, enrolHidden, totpError);
    return sendPage(reply, {
      status,
      csp: accountPageCsp,
      body: accountPage(signIn.theme, {
        view,
        csrfToken,
        identities,
        paths,
        minPasswordLength: deps.passwordPolicy.minLength,
        factors,
        ...(passkeys === undefined ? {} : { passkeys }),
        ...pageExtra,
      }),
    });
  };

  app.get(paths.page, async (request, reply) => {
    const signedIn = await signedInPerson(signIn, request);
    if (signedIn === undefined) return showSignIn(request, reply);
    return showAccount(request, reply, signedIn, { notice: readNotice(request.url) });
  });

  // Linking another provider's account needs a recent sign-in (connectors/recent-sign-in.ts): the
  // sign-in form again, for this person; signing in starts a fresh session and returns to the page.
  if (signIn.federation !== undefined) {
    app.get(at(ACCOUNT_PATHS.confirm), async (request, reply) => {
      const signedIn = await signedInPerson(signIn, request);
      if (signedIn === undefined) return backToPage(reply);
      return showSignIn(request, reply, {
        username: signedIn.user.username,
        error:
          'Linking another sign-in method needs a recent sign-in. Sign in again to confirm it is you, then choose Link again.',
      });
    });
  }

  app.post(paths.signIn, async (request, reply) => {
    const post = checkAccountPost(signIn, request, ['username', 'password']);
    if (!post.ok) return refuse(reply, post.status, post.message);
    const username = post.form.get('username') ?? '';
    const password = post.form.get('password') ?? '';
    const shownName = username.slice(0, MAX_USERNAME_LENGTH);
    if (
      !username ||
      !password ||
      username.length > MAX_USERNAME_LENGTH ||
      password.length > MAX_PASSWORD_LENGTH
    ) {
      return showSignIn(
        request,
        reply,
        { username: shownName, error: 'Enter your username and password.' },
        400,
      );
    }
    const result = await signInWithPassword(signIn, { username, password, ip: request.ip, clientId: null });
    if (result.status === 'throttled') {
      reply.header('retry-after', String(result.retryAfter));
      return showSignIn(
        request,
        reply,
        {
          username: shownName,
          error: `Too many failed attempts. Wait ${result.retryAfter} seconds and try again.`,
        },
        429,
      );
    }
    if (result.status === 'invalid') {
      return showSignIn(
        request,
        reply,
        { username: shownName, error: 'Incorrect username or password.' },
        400,
      );
    }
    // An enrolled second factor is asked for here too; the session starts only when it is given.
    if ((await enrolledMethods(signIn.secondFactors, result.user.id)).length > 0) {
      return secondFactor.ask(request, reply, { userId: result.user.id, amr: result.amr });
    }
    const amr = amrOf(result.amr);
    await signIn.sessions.start(request, reply, { userId: result.user.id, amr, acr: acrOf(amr) });
    return backToPage(reply);
  });

  const secondFactor = createAccountSecondFactor(signIn, {
    action: at(ACCOUNT_PATHS.signInSecondFactor),
    page: paths.page,
    csp,
    scriptCsp: accountPageCsp,
    refuse,
  });
  secondFactor.register(app);

  registerPasskeyRoutes(app, signIn, {
    paths: passkeyPaths,
    signedIn: (request) => signedInPerson(signIn, request),
    backToPage,
    refuse,
  });

  registerTotpEnrolment(app, signIn, {
    paths: { ...factorPaths, page: paths.page },
    signedIn: (request) => signedInPerson(signIn, request),
    backToPage,
    refuse,
    showAccount: (request, reply, signedIn, totpError, status) =>
      showAccount(request, reply, signedIn, { totpError }, status),
    csp,
  });

  app.post(paths.password, async (request, reply) => {
    const signedIn = await signedInPerson(signIn, request);
    if (signedIn === undefined) return backToPage(reply);
    const post = checkAccountPost(signIn, request, ['current_password', 'new_password', 'confirm_password']);
    if (!post.ok) return refuse(reply, post.status, post.message);
    const current = post.form.get('current_password') ?? '';
    const next = post.form.get('new_password') ?? '';
    const again = post.form.get('confirm_password') ?? '';
    const refused = (passwordError: string, status = 400) =>
      showAccount(request, reply, signedIn, { passwordError }, status);
    if (next !== again)
      return refused('The new password and its repetition differ. Type the same password twice.');
    if (signedIn.user.passwordHash === null) {
      return refused('Your account has no password to change. Ask an administrator to set one.');
    }
    if (current.length > MAX_PASSWORD_LENGTH) return refused('Your current password is not correct.');
    // The current password is checked like a sign-in: throttled per account and address (S1).
    const check = await signInWithPassword(signIn, {
      username: signedIn.user.username,
      password: current,
      ip: request.ip,
      clientId: null,
    });
    if (check.status === 'throttled') {
      reply.header('retry-after', String(check.retryAfter));
      return refused(`Too many failed attempts. Wait ${check.retryAfter} seconds and try again.`, 429);
    }
    if (check.status === 'invalid' || check.user.id !== signedIn.user.id) {
      return refused('Your current password is not correct.');
    }
    try {
      await changeOwnPassword(signIn.stores, signedIn.user, next, {
        policy: deps.passwordPolicy,
        now: signIn.clock,
      });
    } catch (error) {
      if (error instanceof AdminError && error.code === 'ERR_INVALID_INPUT') {
        return refused(`The new password was refused: ${error.message.replace(/^password: /, '')}.`);
      }
      throw error;
    }
    // Whoever else holds a session of this account (a stolen one too) is signed out; this browser stays.
    await endOtherSessions(deps, signedIn, request.ip);
    await signIn.stores.audit.append({
      type: 'password.changed',
      at: signIn.clock(),
      userId: signedIn.user.id,
      ip: request.ip,
      details: { by: 'self' },
    });
    return backToPage(reply, 'password-changed');
  });

  app.post(paths.endSession, async (request, reply) => {
    const signedIn = await signedInPerson(signIn, request);
    if (signedIn === undefined) return backToPage(reply);
    const post = checkAccountPost(signIn, request, ['sid']);
    if (!post.ok) return refuse(reply, post.status, post.message);
    const sid = post.form.get('sid') ?? '';
    const target = sid === '' ? undefined : await signIn.stores.sessions.getBySid(sid);
    // Only the person's own sessions: another account's sid is "not found", never ended.
    if (target === undefined || target.userId !== signedIn.user.id || target.sid === signedIn.session.sid) {
      return refuse(reply, 404, 'That session is not one of your other sessions. Reload your account page.');
    }
    await deps.logout.endSession(target.idHash, { ip: request.ip });
    return backToPage(reply, 'session-ended');
  });

  app.post(paths.endOtherSessions, async (request, reply) => {
    const signedIn = await signedInPerson(signIn, request);
    if (signedIn === undefined) return backToPage(reply);
    const post = checkAccountPost(signIn, request, []);
    if (!post.ok) return refuse(reply, post.status, post.message);
    await endOtherSessions(deps, signedIn, request.ip);
    return backToPage(reply, 'others-ended');
  });

  app.post(paths.disconnect, async (request, reply) => {
    const signedIn = await signedInPerson(signIn, request);
    if (signedIn === undefined) return backToPage(reply);
    const post = checkAccountPost(signIn, request, ['client_id']);
    if (!post.ok) return refuse(reply, post.status, post.message);
    const clientId = post.form.get('client_id') ?? '';
    const now = signIn.clock();
    const hadConsent = clientId !== '' && (await signIn.stores.consents.revoke(signedIn.user.id, clientId));
    // Revoking the grants is what stops the application: its refresh tokens and UserInfo fail (R3).
    const grantsRevoked =
      clientId === '' ? 0 : await signIn.stores.grants.revokeByUserAndClient(signedIn.user.id, clientId, now);
    if (!hadConsent && grantsRevoked === 0) {
      return refuse(
        reply,
        404,
        'That application is not connected to your account. Reload your account page.',
      );
    }
    await signIn.stores.audit.append({
      type: 'consent.revoked',
      at: now,
      userId: signedIn.user.id,
      clientId,
      ip: request.ip,
      details: { grantsRevoked, by: 'self' },
    });
    return backToPage(reply, 'application-disconnected');
  });
}

async function endOtherSessions(deps: AccountDeps, signedIn: SignedIn, ip: string): Promise<void> {
  const live = await deps.signIn.stores.sessions.listLiveByUser(signedIn.user.id, deps.signIn.clock());
  for (const other of live) {
    if (other.sid !== signedIn.session.sid) await deps.logout.endSession(other.idHash, { ip });
  }
}

/** `?done=` names one of the fixed notices; anything else shows none (nothing from the URL is echoed). */
function readNotice(url: string): Notice | undefined {
  let done: string | undefined;
  try {
    done = RequestParams.fromUrl(url).get('done');
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return undefined;
  }
  return done !== undefined && Object.hasOwn(NOTICES, done) ? (done as Notice) : undefined;
}
