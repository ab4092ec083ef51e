import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkAccountPost } from '../account/form-post.js';
import type { SignInContext } from '../authorization/context.js';
import { sendErrorPage } from '../authorization/context.js';
import { currentSession } from '../authorization/continue.js';
import { showLoginPage } from '../authorization/login-page.js';
import { guardInteraction } from '../authorization/page-guard.js';
import { OAuthError } from '../errors/index.js';
import { RequestParams } from '../lib/request-params.js';
import { reserveEach } from '../login/rate-limiter.js';
import { normalizeUsername } from '../login/username-digest.js';
import { pageCsp } from '../ui/csp.js';
import { loginPage } from '../ui/pages/login.js';
import { sendPage } from '../ui/send-page.js';
import { completeUpstream } from './complete.js';
import { ConnectorUnavailableError, type PasswordConnector } from './connector.js';
import { CONNECTOR_PATHS, type Federation, type UpstreamFlow } from './federation.js';
import { confirmBeforeLinking } from './recent-sign-in.js';

const MAX_USERNAME_LENGTH = 256;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * A directory connector's sign-in form (LDAP), for a pending authorization request (with its sealed
 * interaction) or on the provider's own pages (`?purpose=account` to sign in to the account page,
 * `?purpose=link` to link the directory account while signed in; the browser's CSRF token): GET shows
 * it, POST checks the username and password against the directory, behind the same limits as the password form
 * (S1, L1: reserved before the check, keyed by the connector and the name as typed, and the address),
 * then continues like any upstream sign-in. A directory that cannot be reached gets a 503 error page.
 */
export function registerPasswordConnectors(
  app: FastifyInstance,
  context: SignInContext,
  federation: Federation,
): void {
  const csp = pageCsp({ imageSources: context.theme.imageSources });
  for (const connector of federation.connectors) {
    if (connector.kind !== 'password') continue;
    const path = `${context.basePath}${CONNECTOR_PATHS.login(connector.settings.id)}`;
    const via = { name: connector.settings.displayName, action: path };
    /** The form on the provider's own pages (sign in to the account page, or link): no pending request. */
    const accountForm = (
      request: FastifyRequest,
      reply: FastifyReply,
      purpose: 'account' | 'link',
      input: { readonly username?: string; readonly error?: string } = {},
      status = 200,
    ) => {
      const browserId = context.browser.ensure(request, reply);
      return sendPage(reply, {
        status,
        csp,
        body: loginPage(context.theme, {
          action: `${path}?${new URLSearchParams({ purpose })}`,
          interaction: '',
          csrfToken: context.browser.csrfToken(browserId),
          clientName: 'your account',
          via: via.name,
          ...input,
        }),
      });
    };
    const refuse = (reply: FastifyReply, status: number, message: string) =>
      sendErrorPage(context, reply, { status, title: 'Sign-in through another provider', message });

    app.get(path, async (request, reply) => {
      const query = readQuery(request.url);
      if (query === undefined) return refuse(reply, 400, 'The link is malformed. Go back and try again.');
      if (query.interaction === undefined) {
        // From the account page: the browser's CSRF token stands for the form (S4), as for a round trip.
        if (!context.browser.checkCsrfToken(context.browser.read(request), query.csrfToken)) {
          return refuse(
            reply,
            403,
            'The link has expired or was not opened from this browser. Reload your account page.',
          );
        }
        if (query.purpose === 'link') {
          const session = await currentSession(context, request);
          if (session === undefined) return refuse(reply, 400, 'Sign in to your account first.');
          const stale = confirmBeforeLinking(context, session, reply);
          if (stale !== undefined) return stale;
        }
        return accountForm(request, reply, query.purpose === 'link' ? 'link' : 'account');
      }
      const guarded = guardInteraction(context, request, reply);
      if (!guarded.ok) return guarded.reply;
      const hint = guarded.interaction.request.loginHint;
      return showLoginPage(context, request, reply, guarded.interaction, {
        via,
        ...(hint === undefined ? {} : { username: hint }),
      });
    });

    app.post(path, async (request, reply) => {
      const purposeName = readQuery(request.url)?.purpose;
      let form: RequestParams;
      let flow: Pick<UpstreamFlow, 'browser' | 'purpose'>;
      let again: (status: number, error: string, username?: string) => Promise<FastifyReply> | FastifyReply;
      if (purposeName === 'account' || purposeName === 'link') {
        const post = checkAccountPost(context, request, ['username', 'password']);
        if (!post.ok) return refuse(reply, post.status, post.message);
        form = post.form;
        const browser = context.browser.fingerprint(context.browser.read(request) ?? '');
        if (purposeName === 'link') {
          const session = await currentSession(context, request);
          if (session === undefined) return refuse(reply, 400, 'Sign in to your account first.');
          const stale = confirmBeforeLinking(context, session, reply);
          if (stale !== undefined) return stale;
          flow = { browser, purpose: { kind: 'link', sid: session.sid } };
        } else {
          flow = { browser, purpose: { kind: 'account' } };
        }
        again = (status, error, username = '') =>
          accountForm(request, reply, purposeName, { username, error }, status);
      } else {
        const guarded = guardInteraction(context, request, reply);
        if (!guarded.ok) return guarded.reply;
        const { interaction } = guarded;
        form = guarded.form;
        flow = {
          browser: interaction.browser,
          purpose: { kind: 'authorize', interaction: context.interactions.seal(interaction) },
        };
        again = (status, error, username = '') =>
          showLoginPage(context, request, reply, interaction, { via, username, error }, status);
      }
      let username: string;
      let password: string;
      try {
        username = form.get('username') ?? '';
        password = form.get('password') ?? '';
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        return again(400, 'Enter your username and password.');
      }
      // X3: an empty password never reaches the directory (it would be an unauthenticated bind).
      if (
        !username ||
        !password ||
        username.length > MAX_USERNAME_LENGTH ||
        password.length > MAX_PASSWORD_LENGTH
      ) {
        return again(400, 'Enter your username and password.', username.slice(0, MAX_USERNAME_LENGTH));
      }
      const result = await checkWithDirectory(context, connector, username, password, request.ip);
      if (result.status === 'throttled') {
        reply.header('retry-after', String(result.retryAfter));
        return again(
          429,
          `Too many failed attempts. Wait ${result.retryAfter} seconds and try again.`,
          username,
        );
      }
      if (result.status === 'unavailable') {
        request.log.warn({ connector: connector.settings.id, code: result.reason }, 'directory unavailable');
        return refuse(
          reply.header('retry-after', '30'),
          503,
          `${connector.settings.displayName} cannot be reached right now, so nobody can sign in with it. Try again in a moment, or sign in another way.`,
        );
      }
      if (result.status === 'invalid') return again(400, 'Incorrect username or password.', username);
      return completeUpstream(context, request, reply, connector.settings, result.profile, flow);
    });
  }
}

/** The query's `interaction`, `purpose` and `csrf_token` (each at most once), or undefined when malformed. */
function readQuery(url: string): { interaction?: string; purpose?: string; csrfToken?: string } | undefined {
  try {
    const params = RequestParams.fromUrl(url);
    const interaction = params.get('interaction');
    const purpose = params.get('purpose');
    const csrfToken = params.get('csrf_token');
    return {
      ...(interaction === undefined ? {} : { interaction }),
      ...(purpose === undefined ? {} : { purpose }),
      ...(csrfToken === undefined ? {} : { csrfToken }),
    };
  } catch (error) {
    if (error instanceof OAuthError) return undefined;
    throw error;
  }
}

type DirectoryResult =
  | {
      readonly status: 'signed_in';
      readonly profile: NonNullable<Awaited<ReturnType<PasswordConnector['verify']>>>;
    }
  | { readonly status: 'invalid' }
  | { readonly status: 'throttled'; readonly retryAfter: number }
  | { readonly status: 'unavailable'; readonly reason: string };

async function checkWithDirectory(
  context: SignInContext,
  connector: PasswordConnector,
  username: string,
  password: string,
  ip: string,
): Promise<DirectoryResult> {
  const account = `account:${connector.settings.id}:${normalizeUsername(username)}`;
  const address = `ip:${ip}`;
  const refused = await reserveEach(context.clock(), [
    { limiter: context.limits.account, key: account },
    { limiter: context.limits.ip, key: address },
  ]);
  if (refused !== undefined) return { status: 'throttled', retryAfter: refused.retryAfter };
  let profile: Awaited<ReturnType<PasswordConnector['verify']>>;
  try {
    profile = await connector.verify(username, password);
  } catch (error) {
    // The directory could not answer: not the person's failure, so their reservation is given back.
    await Promise.all([context.limits.account.release(account), context.limits.ip.release(address)]);
    if (error instanceof ConnectorUnavailableError) return { status: 'unavailable', reason: error.message };
    throw error;
  }
  if (profile === undefined) {
    await context.stores.audit.append({
      type: 'sign_in.failure',
      at: context.clock(),
      userId: null,
      ip,
      details: {
        reason: 'invalid_credentials',
        connector: connector.settings.id,
        usernameDigest: context.usernameDigest(username),
      },
    });
    return { status: 'invalid' };
  }
  await Promise.all([context.limits.account.clear(account), context.limits.ip.release(address)]);
  return { status: 'signed_in', profile };
}
