import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminActor } from '../admin/actor.js';
import type { AdminError } from '../admin/errors.js';
import { adminUserById } from '../admin/groups/is-admin.js';
import type { KeyAdmin } from '../admin/keys/keys.js';
import type { AdminOptions } from '../admin/options.js';
import type { SignInContext } from '../authorization/context.js';
import type { ProviderConfig } from '../config/types.js';
import type { ConnectorSettings } from '../connectors/connector.js';
import type { SerializedDocument } from '../keys/published-key-set.js';
import type { Logout } from '../logout/log-out.js';
import { MAX_RETURN_PATH } from '../relying-party/pending.js';
import { type CheckedPost, checkFormPost } from '../sessions/checked-post.js';
import { signedInRecently } from '../sessions/recent-sign-in.js';
import type { LiveSettings } from '../settings/live.js';
import type { ProviderStores, UserRecord } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import type { SafeHtml } from '../ui/html.js';
import { errorPage } from '../ui/pages/error.js';
import { sendPage } from '../ui/send-page.js';
import { type ConsoleSection, consolePage } from './pages/frame.js';
import type { ConsolePaths } from './paths.js';
import type { ConsoleSession, ConsoleSessions } from './session.js';

/** Sensitive actions need an authentication at most REAUTH_WINDOW old (N2; asked for with `max_age`). */
export { REAUTH_WINDOW } from '../sessions/recent-sign-in.js';

export type ConsoleStores = Pick<
  ProviderStores,
  | 'clients'
  | 'users'
  | 'groups'
  | 'sessions'
  | 'consents'
  | 'grants'
  | 'identities'
  | 'audit'
  | 'factors'
  | 'settings'
>;

export interface ConsoleDeps {
  readonly signIn: SignInContext;
  /** Through the cached client store, so a change drops this instance's cache entry at once. */
  readonly stores: ConsoleStores;
  /** Listing and rotating signing keys; without it the keys page says it cannot. */
  readonly keys?: KeyAdmin | undefined;
  readonly jwks: () => SerializedDocument;
  /** keys.jwksMaxAge: how long a key is published before it signs (the pre-publication guard). */
  readonly jwksMaxAge: number;
  readonly logout: Logout;
  /** The configured connectors (config `connectors`), shown read-only with their secrets masked. */
  readonly connectors: readonly ConnectorSettings[];
  /** The admin layer's registries and password policy; the actor and clock are added per request. */
  readonly admin: Pick<AdminOptions, 'grants' | 'authMethods' | 'passwordPolicy'>;
  readonly secret: Uint8Array;
  /** The runtime settings: the configured values, and this instance's live view (applied at once). */
  readonly settings: { readonly configured: ProviderConfig; readonly live: Pick<LiveSettings, 'refresh'> };
  /** How the console reaches the issuer (its relying-party client). Default: global fetch. */
  readonly fetch?: typeof fetch;
}

export interface SignedInAdmin {
  readonly user: UserRecord;
  readonly session: ConsoleSession;
  /** Authenticated within REAUTH_WINDOW: sensitive actions may run. */
  readonly fresh: boolean;
}

export interface ConsoleContext extends ConsoleDeps {
  readonly paths: ConsolePaths;
  readonly sessions: ConsoleSessions;
  /** The admin signed in to the console, or undefined after answering (sign-in redirect, 403). */
  requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<SignedInAdmin | undefined>;
  /** The admin layer's options for a change made by this admin. */
  options(admin: SignedInAdmin): AdminOptions;
  page(
    reply: FastifyReply,
    admin: SignedInAdmin,
    page: {
      readonly title: string;
      readonly section: ConsoleSection;
      readonly content: SafeHtml;
      readonly notice?: string | undefined;
      readonly error?: string | undefined;
      readonly status?: number;
      /** The page loads the console's own script (`script-src 'self'`); every other page runs none. */
      readonly ownScripts?: boolean;
    },
  ): FastifyReply;
  /** PRG: 303 to a console page, with a fixed notice name. */
  back(reply: FastifyReply, path: string, notice?: string): FastifyReply;
  refuse(reply: FastifyReply, status: number, message: string, title?: string): FastifyReply;
  checkPost(request: FastifyRequest, session: ConsoleSession, fields: readonly string[]): CheckedPost;
  /** 303 to a fresh authentication (`max_age`), coming back to `returnTo`. */
  reauthenticate(reply: FastifyReply, returnTo: string): FastifyReply;
  signInUrl(returnTo: string | undefined): string;
  /** A return path after sign-in: a console page of this issuer, or undefined. */
  safeReturnPath(path: string | undefined): string | undefined;
}

export function createConsoleContext(
  deps: ConsoleDeps,
  paths: ConsolePaths,
  sessions: ConsoleSessions,
): ConsoleContext {
  const { signIn } = deps;
  const csp = pageCsp({ imageSources: signIn.theme.imageSources });
  const scriptCsp = pageCsp({ imageSources: signIn.theme.imageSources, ownScripts: true });
  const root = paths.overview;
  const safeReturnPath = (path: string | undefined) => {
    if (path === undefined || path.length > MAX_RETURN_PATH) return undefined;
    if (path !== root && !path.startsWith(`${root}/`) && !path.startsWith(`${root}?`)) return undefined;
    // Only the console's own pages: no `//host`, no backslash, no sign-in loop.
    if (!/^[A-Za-z0-9/_.~%?=&+-]+$/.test(path) || path.includes('//')) return undefined;
    // Dot segments would climb out of the console once the browser resolves them (RFC 3986 §5.2.4).
    if (/\/\.\.?(\/|\?|$)/.test(path) || /%2e/i.test(path)) return undefined;
    if (path.startsWith(paths.signIn) || path.startsWith(paths.callback)) return undefined;
    return path;
  };
  const signInUrl = (returnTo: string | undefined) => {
    const next = safeReturnPath(returnTo);
    return next === undefined ? paths.signIn : `${paths.signIn}?next=${encodeURIComponent(next)}`;
  };
  const see = (reply: FastifyReply, location: string) =>
    reply.code(303).headers({ location, 'cache-control': 'no-store' }).send();
  const refuse = (reply: FastifyReply, status: number, message: string, title = 'Admin console') =>
    sendPage(reply, {
      status,
      csp,
      body: errorPage(signIn.theme, {
        title,
        message,
        advice: 'Go back to the console and try again.',
      }),
    });

  return {
    ...deps,
    paths,
    sessions,
    safeReturnPath,
    signInUrl,
    refuse,
    async requireAdmin(request, reply) {
      const now = signIn.clock();
      const returnTo = request.method === 'GET' ? request.url : undefined;
      const session = sessions.read(request, now);
      if (session === undefined) {
        see(reply, signInUrl(returnTo));
        return undefined;
      }
      // Bound to the provider session it came from: signed out there, signed out here. Its user is
      // read once, by adminUserById (which refuses a missing or disabled one, as currentSession does).
      const provider = await signIn.sessions.current(request);
      const { user, admin } =
        provider?.sid === session.sid
          ? await adminUserById(deps.stores, provider.userId)
          : { user: undefined, admin: false };
      if (user === undefined) {
        sessions.clear(reply);
        see(reply, signInUrl(returnTo));
        return undefined;
      }
      if (!admin) {
        refuse(
          reply,
          403,
          `You are signed in as ${user.username}, who is not in the administrators' group. Ask an administrator to add you to it.`,
          'Not an administrator',
        );
        return undefined;
      }
      sessions.write(reply, session, now);
      return { user, session, fresh: signedInRecently(session.authTime, now) };
    },
    options(admin) {
      const actor: AdminActor = { type: 'console', id: admin.user.id };
      return { ...deps.admin, actor, now: signIn.clock, random: signIn.random };
    },
    page(reply, admin, page) {
      return sendPage(reply, {
        status: page.status ?? 200,
        csp: page.ownScripts === true ? scriptCsp : csp,
        body: consolePage(signIn.theme, {
          ...page,
          paths,
          csrfToken: admin.session.csrf,
          username: admin.user.username,
        }),
      });
    },
    back(reply, path, notice) {
      return see(reply, notice === undefined ? path : `${path}?done=${notice}`);
    },
    checkPost(request, session, fields) {
      return checkFormPost(
        request,
        {
          origin: signIn.issuerOrigin,
          csrfOk: (submitted) => sessions.csrfOk(session, submitted),
          reload: 'the console page',
        },
        fields,
      );
    },
    reauthenticate(reply, returnTo) {
      const next = safeReturnPath(returnTo) ?? root;
      return see(reply, `${paths.signIn}?reauth=1&next=${encodeURIComponent(next)}`);
    },
  };
}

/** The status an admin-layer refusal answers with. */
export function statusOf(error: AdminError): number {
  return error.code === 'ERR_NOT_FOUND' ? 404 : error.code === 'ERR_CONFLICT' ? 409 : 400;
}
