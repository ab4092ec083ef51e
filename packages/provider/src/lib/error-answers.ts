import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, toOAuthError } from '../errors/error-response.js';
import { fromFrameworkError } from '../errors/framework-errors.js';
import { InvalidRequest, type OAuthError } from '../errors/index.js';
import { logErrorAnswer } from '../errors/log-error.js';
import type { Logger } from './logger.js';
import { nodeHttp } from './node-http.js';

export interface ErrorAnswersOptions {
  /** Headers every response carries (lib/security-headers.ts). */
  readonly securityHeaders: Readonly<Record<string, string>>;
  /** A finished HTML page (ui/page-route.ts) for a browser that navigated here. */
  readonly errorPage: (reply: FastifyReply, wire: OAuthError) => FastifyReply;
  readonly log: Logger;
}

/**
 * The answers a person in a browser gets as a page on any route; everything else (and every API client)
 * gets JSON. Routes declared as pages (PAGE_ROUTE) answer every error as a page.
 */
const PAGE_STATUSES: ReadonlySet<number> = new Set([404, 503]);

export interface ErrorAnswers {
  /** The app's error handler, not-found handler and Fastify's `frameworkErrors` all answer through this. */
  reply(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply;
  /** Node's `clientError` (headers too large, unparsable request, request timeout): no request object exists. */
  socket(error: Error & { code?: string }, socket: Socket): void;
}

/**
 * The one way an error becomes an answer, whatever raised it (an endpoint, a store, Fastify, Node's HTTP
 * parser): the error factory's status, headers and JSON body, plus the security headers, logged the same
 * way. Nothing from the request (path, header) is echoed and the framework is never named.
 */
export function createErrorAnswers(options: ErrorAnswersOptions): ErrorAnswers {
  const security = Object.entries(options.securityHeaders);
  return {
    reply(request, reply, thrown) {
      const wire = fromFrameworkError(thrown) ?? toOAuthError(thrown);
      // Unknown paths are mostly scanners: one log line each would let them fill the log (/metrics counts them).
      if (wire.status !== 404) logErrorAnswer(request.log, thrown, wire);
      const response = errorResponse(wire);
      for (const [name, value] of security) reply.header(name, value);
      if (PAGE_STATUSES.has(wire.status) && wantsPage(request)) return options.errorPage(reply, wire);
      return reply.code(response.status).headers(response.headers).send(response.body);
    },
    socket(error, socket) {
      // The client is gone (reset), the socket cannot be written, or the in-flight response has begun (a
      // request timing out while its answer is written): nothing can be answered, only closed (as Node).
      const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || inFlight?.headersSent) {
        socket.destroy();
        return;
      }
      const wire = fromFrameworkError(error) ?? new InvalidRequest('The request is malformed', error.code);
      logErrorAnswer(options.log, error, wire);
      socket.end(rawHttpResponse(wire, security));
    },
  };
}

/** A browser navigating (not a script or API client) asks for HTML first. */
function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  return (
    request.headers['sec-fetch-mode'] === 'navigate' || (request.headers.accept ?? '').includes('text/html')
  );
}

/** RFC 9112 §4: a whole HTTP/1.1 response written to a socket no request object was made for; the connection closes. */
function rawHttpResponse(wire: OAuthError, security: readonly (readonly [string, string])[]): string {
  const response = errorResponse(wire);
  const body = JSON.stringify(response.body);
  const headers: (readonly [string, string])[] = [
    ...security,
    ...Object.entries(response.headers),
    ['content-type', 'application/json; charset=utf-8'],
    ['content-length', String(Buffer.byteLength(body))],
    ['connection', 'close'],
  ];
  const lines = headers.map(([name, value]) => `${name}: ${value}`).join('\r\n');
  return `HTTP/1.1 ${response.status} ${nodeHttp.STATUS_CODES[response.status] ?? 'Error'}\r\n${lines}\r\n\r\n${body}`;
}
