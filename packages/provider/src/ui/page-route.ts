import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toOAuthError } from '../errors/error-response.js';
import { fromFrameworkError } from '../errors/framework-errors.js';
import { logErrorAnswer } from '../errors/log-error.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { RETRY_AFTER_SECONDS } from '../lib/database-unavailable.js';
import { pageCsp } from './csp.js';
import { errorPage } from './pages/error.js';
import { sendPage } from './send-page.js';
import type { Theme } from './theme.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page a browser navigates to: its failures answer an HTML page, never JSON. */
    readonly page?: boolean;
  }
}

/** Route options of every browser-facing page (`app.get(path, PAGE_ROUTE, handler)`). */
export const PAGE_ROUTE = { config: { page: true } } as const;

/**
 * Gives every route declared with PAGE_ROUTE an error handler that answers the error page in the
 * pages' design, from the same error mapping as the APIs' JSON (errors/error-response.ts): an outage is a
 * 503 with Retry-After (RFC 9110 §10.2.3) and says to try again, a bad request says what was wrong.
 * Must be called before the page routes are registered.
 */
export function registerPageErrors(app: FastifyInstance, theme: Theme): void {
  const handler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const wire = fromFrameworkError(error) ?? toOAuthError(error);
    logErrorAnswer(request.log, error, wire);
    return sendErrorPageFor(reply, theme, wire);
  };
  app.addHook('onRoute', (route) => {
    if (route.config?.page === true) route.errorHandler = handler;
  });
}

/** The page for an error answered to a browser. */
export function sendErrorPageFor(reply: FastifyReply, theme: Theme, wire: OAuthError): FastifyReply {
  if (wire.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return sendPage(reply, {
    status: wire.status,
    body: errorPage(theme, pageTextFor(wire)),
    csp: pageCsp({ imageSources: theme.imageSources }),
  });
}

function pageTextFor(wire: OAuthError) {
  if (wire.status === 503) {
    return {
      title: 'Temporarily unavailable',
      message: 'The sign-in service cannot answer right now.',
      advice: `Nothing was lost: wait a few seconds and reload this page.`,
      code: wire.error,
    };
  }
  if (wire.status === 404) {
    return {
      title: 'Page not found',
      message: 'There is no page at this address.',
      advice: 'Check the address, or go back to the application you came from.',
      code: wire.error,
    };
  }
  if (wire.status >= 500) {
    return {
      title: 'Something went wrong',
      message: 'The sign-in service could not complete the request.',
      code: wire.error,
    };
  }
  return {
    title: 'This request cannot continue',
    message: wire.description ?? 'The request is malformed.',
    code: wire.error,
  };
}
