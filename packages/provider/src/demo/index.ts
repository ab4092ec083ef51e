/**
 * "Try it in one minute": a relying party built into a development provider. It uses the provider
 * only from the outside, over HTTP, as any application would (discovery, /authorize, /token, the
 * JWKS), with @latchkey/oidc's client. Imports go one way: the demo may use provider internals (the
 * theme, cookies, the client service); only app.ts and start.ts import the demo.
 */
import {
  createOidcClient,
  isJoseError,
  isOidcClientError,
  type LoginTokenSet,
  type OidcClient,
} from '@latchkey/oidc';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { appendSetCookie, cookieName, readCookie, serializeCookie } from '../sessions/cookies.js';
import type { UserStore } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import type { SafeHtml } from '../ui/html.js';
import { PAGE_ROUTE } from '../ui/page-route.js';
import { errorPage } from '../ui/pages/error.js';
import { sendPage } from '../ui/send-page.js';
import type { Theme } from '../ui/theme.js';
import { DEMO_CLIENT_ID, DEMO_PATHS, DEMO_SCOPES, demoRedirectUri } from './client.js';
import { resultPage, tryItSection } from './pages.js';
import { createPendingSealer, PENDING_LIFETIME } from './pending.js';
import { verifyDemoTokens } from './verify.js';

export { syncDemoClient } from './client.js';

export interface DemoDeps {
  readonly issuer: string;
  readonly basePath: string;
  readonly theme: Theme;
  readonly users: Pick<UserStore, 'list'>;
  /** The decoded LATCHKEY_SECRET: seals the pending sign-in in its cookie. */
  readonly secret: Uint8Array;
  readonly random: (n: number) => Buffer;
  readonly clock: Clock;
  /** How the demo reaches the issuer. Default: global fetch, over the network like any application. */
  readonly fetch?: typeof fetch;
}

export interface RegisteredDemo {
  /** The landing page's "Try a sign-in" section. */
  landingSection(): Promise<SafeHtml>;
}

/** The demo only runs on http localhost, so its cookie is never Secure (cookies.ts names it accordingly). */
const COOKIE = cookieName('latchkey-demo', false);

export function registerDemo(app: FastifyInstance, deps: DemoDeps): RegisteredDemo {
  const fetchFn = deps.fetch ?? fetch;
  const now = () => deps.clock() * 1000;
  const redirectUri = demoRedirectUri(deps.issuer);
  const startPath = deps.basePath + DEMO_PATHS.start;
  const homeUrl = deps.basePath === '' ? '/' : deps.basePath;
  const sealer = createPendingSealer(deps.secret, deps.random);
  const client: OidcClient = createOidcClient({
    issuer: deps.issuer,
    clientId: DEMO_CLIENT_ID,
    redirectUri,
    scopes: DEMO_SCOPES,
    fetch: fetchFn,
    now,
  });
  const fail = (reply: FastifyReply, status: number, message: string, code?: string) =>
    sendPage(reply, {
      status,
      body: errorPage(deps.theme, {
        title: 'The demo sign-in did not finish',
        message,
        advice: 'Go back to the start page and choose Try a sign-in again.',
        ...(code === undefined ? {} : { code }),
      }),
      csp: pageCsp({ imageSources: deps.theme.imageSources }),
    });
  const unreachable = (reply: FastifyReply, error: unknown) =>
    fail(
      reply,
      502,
      `The demo could not reach the issuer ${deps.issuer} (its discovery document, keys or token endpoint). ` +
        'Is the issuer the address this server listens on?',
      codeOf(error),
    );

  app.get(startPath, PAGE_ROUTE, async (_request, reply) => {
    let start: Awaited<ReturnType<OidcClient['startAuthorization']>>;
    try {
      start = await client.startAuthorization();
    } catch (error) {
      return unreachable(reply, error);
    }
    appendSetCookie(
      reply,
      serializeCookie(COOKIE, sealer.seal(start, deps.clock()), { secure: false, maxAge: PENDING_LIFETIME }),
    );
    return reply
      .code(303)
      .headers({ location: start.url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
      .send();
  });

  app.get(deps.basePath + DEMO_PATHS.callback, PAGE_ROUTE, async (request, reply) => {
    const pending = sealer.open(readCookie(request.headers.cookie, COOKIE), deps.clock());
    // Single use: whatever happens next, this sign-in's state is gone from the browser.
    appendSetCookie(reply, serializeCookie(COOKIE, '', { secure: false, maxAge: 0 }));
    if (pending === undefined) {
      return fail(reply, 400, 'This demo sign-in has expired, or was started in another browser.');
    }
    const params = new URL(request.url, deps.issuer).searchParams;
    let tokens: LoginTokenSet;
    try {
      tokens = await client.handleCallback(params, pending);
    } catch (error) {
      if (isOidcClientError(error, 'ERR_CLIENT_AUTHORIZATION_DENIED')) {
        const message =
          error.error === 'access_denied'
            ? 'You chose Deny, so the demo application received no tokens.'
            : 'The provider refused the sign-in request.';
        return fail(reply, 400, message, error.error);
      }
      if (isOidcClientError(error, 'ERR_CLIENT_TOKEN_REQUEST_FAILED')) return unreachable(reply, error);
      if (isOidcClientError(error) || isJoseError(error)) {
        return fail(reply, 400, 'The demo application refused what it received.', error.code);
      }
      throw error;
    }
    const metadata = await client.metadata();
    let report: Awaited<ReturnType<typeof verifyDemoTokens>>;
    try {
      report = await verifyDemoTokens(
        { issuer: deps.issuer, jwksUri: String(metadata.jwks_uri), fetch: fetchFn, now },
        tokens,
      );
    } catch (error) {
      if (isJoseError(error)) return fail(reply, 400, 'The access token did not verify.', error.code);
      throw error;
    }
    return sendPage(reply, {
      body: resultPage(deps.theme, {
        issuer: deps.issuer,
        homeUrl,
        startUrl: startPath,
        redirectUri,
        tokens: report,
      }),
      csp: pageCsp({ imageSources: deps.theme.imageSources }),
    });
  });

  return {
    async landingSection() {
      const users = await deps.users.list();
      return tryItSection({ startUrl: startPath, hasUsers: users.length > 0 });
    },
  };
}

function codeOf(error: unknown): string | undefined {
  return isOidcClientError(error) || isJoseError(error) ? error.code : undefined;
}
