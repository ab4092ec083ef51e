import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SignInContext, sendErrorPage } from '../../authorization/context.js';
import { OAuthError } from '../../errors/index.js';
import { RequestParams } from '../../lib/request-params.js';
import type { Logout } from '../../logout/log-out.js';
import { appendSetCookie, serializeCookie } from '../../sessions/cookies.js';
import { isSameOriginPost } from '../../sessions/origin-check.js';
import type { ClientRecord, ClientStore, SessionRecord } from '../../store/types.js';
import { cspSourceFor, pageCsp } from '../../ui/csp.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { sendPage } from '../../ui/send-page.js';
import type { IdTokenHintReader } from '../authorize/check-id-token-hint.js';
import { ENDPOINT_PATHS } from '../paths.js';
import {
  checkLogoutClient,
  checkLogoutIdTokenHint,
  checkPostLogoutRedirectUri,
  hintMatchesSession,
  LOGOUT_PARAM_NAMES,
  type LogoutParams,
  readLogoutParams,
} from './checks.js';
import { confirmLogoutPage, signedOutPage } from './pages.js';

export interface EndSessionDeps {
  /** Paths, theme, the session cookie, the browser binding (CSRF) and the clock of the pages. */
  readonly signIn: SignInContext;
  readonly clients: Pick<ClientStore, 'get'>;
  /** Verifies an id_token_hint against our own keys (the same reader /authorize's check is built on). */
  readonly readHint: IdTokenHintReader;
  readonly logout: Logout;
}

/** A logout request after its checks: who asked, and where the browser may go afterwards. */
interface CheckedLogout {
  readonly params: LogoutParams;
  readonly hint: Awaited<ReturnType<typeof checkLogoutIdTokenHint>>;
  readonly client: ClientRecord | undefined;
  readonly redirect: string | undefined;
}

/**
 * The end_session_endpoint, OIDC RP-Initiated Logout 1.0:
 * - GET (and an RP's cross-site POST, sent back as a GET so the SameSite=Lax session cookie comes
 *   along) runs the checks; when a valid id_token_hint names the browser's current session, it logs
 *   out at once, otherwise it asks the person on a confirmation page (§2);
 * - the confirmation form's POST is same-origin with the browser-bound CSRF token (S4), and is checked
 *   again from its own fields.
 * Logging out ends the provider session, revokes its grants and notifies the clients through the back
 * channel (Logout). The browser then goes to the post_logout_redirect_uri only when a valid hint and
 * an exactly registered URI allow it (§3); otherwise it sees a signed-out page. Errors are local pages.
 */
export function registerEndSession(app: FastifyInstance, deps: EndSessionDeps): void {
  const { signIn } = deps;
  const action = signIn.basePath + ENDPOINT_PATHS.endSession;

  app.get(action, PAGE_ROUTE, async (request, reply) => {
    let checked: CheckedLogout;
    try {
      checked = await check(deps, RequestParams.fromUrl(request.url));
    } catch (error) {
      return refuse(signIn, reply, error);
    }
    const session = await signIn.sessions.current(request);
    if (session === undefined) return finish(signIn, reply, checked);
    const user = await signIn.stores.users.getById(session.userId);
    if (hintMatchesSession(checked.hint, checked.params.logoutHint, session, user)) {
      return logOutAndFinish(deps, request, reply, checked, session);
    }
    const browserId = signIn.browser.ensure(request, reply);
    const params = RequestParams.fromUrl(request.url);
    return sendPage(reply, {
      body: confirmLogoutPage(signIn.theme, {
        action,
        csrfToken: signIn.browser.csrfToken(browserId),
        fields: LOGOUT_PARAM_NAMES.flatMap((name) => {
          const value = params.get(name);
          return value === undefined ? [] : [[name, value] as const];
        }),
        account: user === undefined ? 'your account' : (user.profile.name ?? user.username),
        clientName: checked.client?.name,
      }),
      csp: pageCsp({ imageSources: signIn.theme.imageSources, formTargets: redirectTargets(checked) }),
    });
  });

  app.post(action, PAGE_ROUTE, async (request, reply) => {
    const form = request.form;
    if (form === undefined) {
      return sendErrorPage(signIn, reply, {
        ...LOGOUT_ERROR,
        status: 400,
        message: 'The form was not sent as a form.',
      });
    }
    let confirmation: boolean;
    try {
      confirmation = form.has('csrf_token');
    } catch (error) {
      return refuse(signIn, reply, error);
    }
    if (!confirmation) {
      // RP-Initiated Logout §2 allows the RP to POST. A cross-site POST carries no SameSite=Lax cookie,
      // so it is answered with a 303 to the GET form of the same request, which does (A11: 303).
      const query = new URLSearchParams();
      try {
        for (const name of LOGOUT_PARAM_NAMES) {
          const value = form.get(name);
          if (value !== undefined) query.set(name, value);
        }
      } catch (error) {
        return refuse(signIn, reply, error);
      }
      const location = query.size === 0 ? action : `${action}?${query}`;
      return reply.code(303).headers({ location, 'cache-control': 'no-store' }).send();
    }
    // S4: the confirmation comes from our own page, in this browser.
    if (!isSameOriginPost(request, signIn.issuerOrigin)) {
      return sendErrorPage(signIn, reply, {
        ...LOGOUT_ERROR,
        status: 403,
        message: 'The form was sent from another site, so it was refused.',
      });
    }
    if (!signIn.browser.checkCsrfToken(signIn.browser.read(request), form.get('csrf_token'))) {
      return sendErrorPage(signIn, reply, {
        ...LOGOUT_ERROR,
        status: 403,
        message: 'The form has expired or was not sent from this browser. Go back and try again.',
      });
    }
    let checked: CheckedLogout;
    try {
      checked = await check(deps, form);
    } catch (error) {
      return refuse(signIn, reply, error);
    }
    const session = await signIn.sessions.current(request);
    return session === undefined
      ? finish(signIn, reply, checked)
      : logOutAndFinish(deps, request, reply, checked, session);
  });
}

const LOGOUT_ERROR = { title: 'This sign-out request cannot continue' } as const;

/** The checks of RP-Initiated Logout §2–3, in the order the spec gives them. */
async function check(deps: EndSessionDeps, params: RequestParams): Promise<CheckedLogout> {
  const logout = readLogoutParams(params);
  const hint = await checkLogoutIdTokenHint(logout.idTokenHint, deps.readHint);
  const client = await checkLogoutClient(logout.clientId, hint, deps.clients);
  const redirect = checkPostLogoutRedirectUri(logout, hint, client);
  return { params: logout, hint, client, redirect };
}

function refuse(signIn: SignInContext, reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof OAuthError)) throw error;
  return sendErrorPage(signIn, reply, {
    ...LOGOUT_ERROR,
    status: error.status,
    message: error.description ?? 'The request is malformed.',
    code: error.error,
  });
}

async function logOutAndFinish(
  deps: EndSessionDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  checked: CheckedLogout,
  session: SessionRecord,
): Promise<FastifyReply> {
  await deps.logout.endSession(session.idHash, { clientId: checked.client?.clientId, ip: request.ip });
  // The cookie goes too: the browser holds nothing that names the ended session.
  appendSetCookie(
    reply,
    serializeCookie(deps.signIn.sessions.cookieName, '', {
      secure: deps.signIn.issuer.startsWith('https:'),
      maxAge: 0,
    }),
  );
  return finish(deps.signIn, reply, checked);
}

/** §3: to the registered URI (with state) when allowed, else the signed-out page. */
function finish(signIn: SignInContext, reply: FastifyReply, checked: CheckedLogout): FastifyReply {
  if (checked.redirect !== undefined) {
    // A11: 303, so a POSTed confirmation is never replayed at the client.
    return reply
      .code(303)
      .headers({ location: checked.redirect, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
      .send();
  }
  return sendPage(reply, {
    body: signedOutPage(signIn.theme),
    csp: pageCsp({ imageSources: signIn.theme.imageSources }),
  });
}

/** Browsers apply form-action to the redirect after a POST: the confirmation must allow the client's origin. */
function redirectTargets(checked: CheckedLogout): string[] {
  return checked.redirect === undefined ? [] : [cspSourceFor(checked.redirect)];
}
