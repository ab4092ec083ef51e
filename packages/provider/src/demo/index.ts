/**
 * "Try it in one minute": a relying party built into a development provider. It uses the provider
 * only from the outside, over HTTP, as any application would (discovery, /authorize, /token, the
 * JWKS), with @latchkey/oidc's client. Imports go one way: the demo may use provider internals (the
 * theme, cookies, the client service); only app.ts and start.ts import the demo.
 */
import { isJoseError, isOidcClientError } from '@latchkey/oidc';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { createSignInFlow, type FinishedSignIn } from '../relying-party/sign-in-flow.js';
import type { UserStore } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import type { SafeHtml } from '../ui/html.js';
import { PAGE_ROUTE } from '../ui/page-route.js';
import { errorPage } from '../ui/pages/error.js';
import { sendPage } from '../ui/send-page.js';
import type { Theme } from '../ui/theme.js';
import { DEMO_CLIENT_ID, DEMO_PATHS, DEMO_SCOPES, demoRedirectUri } from './client.js';
import { resultPage, tryItSection } from './pages.js';
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

export function registerDemo(app: FastifyInstance, deps: DemoDeps): RegisteredDemo {
  const fetchFn = deps.fetch ?? fetch;
  const now = () => deps.clock() * 1000;
  const redirectUri = demoRedirectUri(deps.issuer);
  const startPath = deps.basePath + DEMO_PATHS.start;
  const homeUrl = deps.basePath === '' ? '/' : deps.basePath;
  const flow = createSignInFlow({
    issuer: deps.issuer,
    clientId: DEMO_CLIENT_ID,
    redirectUri,
    scopes: DEMO_SCOPES,
    cookie: 'latchkey-demo',
    sealInfo: 'latchkey demo pending authorization v1',
    secret: deps.secret,
    random: deps.random,
    clock: deps.clock,
    fetch: fetchFn,
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
    try {
      return await flow.start(reply);
    } catch (error) {
      return unreachable(reply, error);
    }
  });

  app.get(deps.basePath + DEMO_PATHS.callback, PAGE_ROUTE, async (request, reply) => {
    let finished: FinishedSignIn | undefined;
    try {
      finished = await flow.finish(request, reply);
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
    if (finished === undefined) {
      return fail(reply, 400, 'This demo sign-in has expired, or was started in another browser.');
    }
    const { tokens } = finished;
    const metadata = await flow.client.metadata();
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
