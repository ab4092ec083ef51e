import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, toOAuthError } from '../errors/error-response.js';
import { fromFrameworkError } from '../errors/framework-errors.js';
import { InvalidRequest, type OAuthError } from '../errors/index.js';
import { type ErrorLog, logErrorAnswer } from '../errors/log-error.js';
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

/** A whole JSON error answer: status, every header but Content-Length (the security headers first), body. */
export interface JsonErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ErrorAnswers {
  /** The app's error handler, not-found handler and Fastify's `frameworkErrors` all answer through this. */
  reply(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply;
  /**
   * The answer `reply` sends an API client for `thrown`, logged the same way to `log`: for a request
   * answered before Fastify (lib/form-fast-path.ts), which writes it itself.
   */
  json(thrown: unknown, log: ErrorLog): JsonErrorAnswer;
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
  /** What `thrown` means on the wire, logged. */
  function classify(thrown: unknown, log: ErrorLog): OAuthError {
    const wire = fromFrameworkError(thrown) ?? toOAuthError(thrown);
    // Unknown paths are mostly scanners: one log line each would let them fill the log (/metrics counts them).
    if (wire.status !== 404) logErrorAnswer(log, thrown, wire);
    return wire;
  }
  return {
    reply(request, reply, thrown) {
      const wire = classify(thrown, request.log);
      if (PAGE_STATUSES.has(wire.status) && wantsPage(request)) {
        for (const [name, value] of security) reply.header(name, value);
        return options.errorPage(reply, wire);
      }
      const answer = jsonAnswer(wire, options.securityHeaders);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
    json(thrown, log) {
      return jsonAnswer(classify(thrown, log), options.securityHeaders);
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

/**
 * The one rendering of an error for an API client, whoever writes it (Fastify's reply, the fast path,
 * a bare socket): the error factory's status, headers and RFC 6749 §5.2 body, as JSON, with the
 * security headers every response carries.
 */
function jsonAnswer(wire: OAuthError, securityHeaders: Readonly<Record<string, string>>): JsonErrorAnswer {
  const response = errorResponse(wire);
  return {
    status: response.status,
    headers: { ...securityHeaders, ...response.headers, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(response.body),
  };
}

/** RFC 9112 §4: a whole HTTP/1.1 response written to a socket no request object was made for; the connection closes. */
function rawHttpResponse(wire: OAuthError, security: readonly (readonly [string, string])[]): string {
  const answer = jsonAnswer(wire, Object.fromEntries(security));
  const headers: (readonly [string, string])[] = [
    ...Object.entries(answer.headers),
    ['content-length', String(Buffer.byteLength(answer.body))],
    ['connection', 'close'],
  ];
  const lines = headers.map(([name, value]) => `${name}: ${value}`).join('\r\n');
  return `HTTP/1.1 ${answer.status} ${nodeHttp.STATUS_CODES[answer.status] ?? 'Error'}\r\n${lines}\r\n\r\n${answer.body}`;
}
