import type { FastifyInstance } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { sendErrorPage } from '../authorization/context.js';
import { showLoginPage } from '../authorization/login-page.js';
import { guardInteraction } from '../authorization/page-guard.js';
import { OAuthError } from '../errors/index.js';
import { reserveEach } from '../login/rate-limiter.js';
import { normalizeUsername } from '../login/username-digest.js';
import { completeUpstream } from './complete.js';
import { ConnectorUnavailableError, type PasswordConnector } from './connector.js';
import type { Federation } from './federation.js';

const MAX_USERNAME_LENGTH = 256;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * A directory connector's sign-in form (LDAP) for a pending authorization request: GET shows it, POST
 * checks the username and password against the directory, behind the same limits as the password form
 * (S1, L1: reserved before the check, keyed by the connector and the name as typed, and the address),
 * then continues like any upstream sign-in. A directory that cannot be reached gets a 503 error page.
 */
export function registerPasswordConnectors(
  app: FastifyInstance,
  context: SignInContext,
  federation: Federation,
): void {
  for (const connector of federation.connectors) {
    if (connector.kind !== 'password') continue;
    const path = `${context.basePath}/connectors/${connector.settings.id}/login`;
    const via = { name: connector.settings.displayName, action: path };
    app.get(path, async (request, reply) => {
      const guarded = guardInteraction(context, request, reply);
      if (!guarded.ok) return guarded.reply;
      const hint = guarded.interaction.request.loginHint;
      return showLoginPage(context, request, reply, guarded.interaction, {
        via,
        ...(hint === undefined ? {} : { username: hint }),
      });
    });
    app.post(path, async (request, reply) => {
      const guarded = guardInteraction(context, request, reply);
      if (!guarded.ok) return guarded.reply;
      const { interaction, form } = guarded;
      const again = (status: number, error: string, username = '') =>
        showLoginPage(context, request, reply, interaction, { via, username, error }, status);
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
        return sendErrorPage(context, reply.header('retry-after', '30'), {
          status: 503,
          title: 'Sign-in through another provider',
          message: `${connector.settings.displayName} cannot be reached right now, so nobody can sign in with it. Try again in a moment, or sign in another way.`,
        });
      }
      if (result.status === 'invalid') return again(400, 'Incorrect username or password.', username);
      return completeUpstream(context, request, reply, connector.settings, result.profile, {
        browser: interaction.browser,
        purpose: { kind: 'authorize', interaction: context.interactions.seal(interaction) },
      });
    });
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
