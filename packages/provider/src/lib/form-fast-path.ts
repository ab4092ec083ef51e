import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorLog } from '../errors/log-error.js';
import type { JsonErrorAnswer } from './error-answers.js';
import { RequestParams } from './request-params.js';

/**
 * Plain `application/x-www-form-urlencoded` POSTs to an API route (the token endpoint) answered by the
 * HTTP server before Fastify sees them. A token request's own work is a signature and a few checks;
 * the framework's (request and reply objects, the content-type parser reading the body as a stream,
 * the hooks, the reply pipeline) was a tenth of its CPU. The route's steps are the same function the
 * Fastify route calls (endpoints/token), and every error is rendered by the app's error answers, so
 * either way a request gets the same answer.
 *
 * Only the plain case is taken: the exact path with no query, a form content type (UTF-8 or no
 * charset), a Content-Length within the body limit, no Origin (a browser's request stays with
 * Fastify). Anything else — and everything once the server is closing — goes on to Fastify untouched.
 * A request taken is answered here, errors included: its body has been read.
 */
export interface FormFastPath {
  /** Takes the request when it is a plain form POST to a registered path; false when Fastify must. */
  answer(request: IncomingMessage, response: ServerResponse): boolean;
  add(path: string, route: FormRoute): void;
  /** From now on every request goes to Fastify (its 503 and `Connection: close` while closing). */
  stop(): void;
}

export interface FormRoute {
  /** The headers of a 200 answer, besides the security headers and Content-Length. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body of the 200 answer to `form`; throws what the Fastify route would throw. */
  answer(form: RequestParams, request: IncomingMessage): Promise<object>;
}

export interface FormFastPathOptions {
  /** The headers every response carries. */
  readonly securityHeaders: Readonly<Record<string, string>>;
  /** The route's body limit in bytes, as Fastify was given it: a longer body goes to Fastify (its 413). */
  readonly bodyLimit: number;
  /** The app's error answer for `thrown` (lib/error-answers.ts), logged to `log`. */
  readonly errorAnswer: (thrown: unknown, log: ErrorLog) => JsonErrorAnswer;
  /** The request's logger, made only when an error is to be logged (as Fastify's, with its request id). */
  readonly log: (request: IncomingMessage) => ErrorLog;
  /** Each answer, as Fastify's onResponse hook would count it (request metrics). */
  readonly onAnswered?: (path: string, method: string, status: number, seconds: number) => void;
}

/** The content types taken, lower-cased; a form in another charset (or a malformed type) goes to Fastify. */
const FORM_TYPES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded;charset=utf-8',
]);

interface Route extends FormRoute {
  readonly path: string;
  /** The 200 answer's head as writeHead takes it (name, value, …), made once; Content-Length follows. */
  readonly head: readonly string[];
}

export function createFormFastPath(options: FormFastPathOptions): FormFastPath {
  const routes = new Map<string, Route>();
  let stopped = false;

  function takes(request: IncomingMessage): Route | undefined {
    if (stopped || request.method !== 'POST') return undefined;
    const route = routes.get(request.url ?? '');
    if (route === undefined) return undefined;
    const headers = request.headers;
    if (headers.origin !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
    const type = headers['content-type'];
    if (type === undefined || !(FORM_TYPES.has(type) || FORM_TYPES.has(type.toLowerCase()))) return undefined;
    // Node's parser has checked the header's digits; absent (NaN) or over the limit goes to Fastify.
    const length = Number(headers['content-length']);
    return length <= options.bodyLimit ? route : undefined;
  }

  async function respond(
    route: Route,
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
    started: number,
  ) {
    let status = 200;
    try {
      const json = JSON.stringify(await route.answer(RequestParams.fromForm(body), request));
      response.writeHead(200, route.head.concat('content-length', String(Buffer.byteLength(json))));
      response.end(json);
    } catch (thrown) {
      const answer = options.errorAnswer(thrown, options.log(request));
      status = answer.status;
      response.writeHead(status, {
        ...answer.headers,
        'content-length': String(Buffer.byteLength(answer.body)),
      });
      response.end(answer.body);
    }
    options.onAnswered?.(route.path, 'POST', status, (performance.now() - started) / 1000);
  }

  return {
    answer(request, response) {
      const route = takes(request);
      if (route === undefined) return false;
      // From the request's head, as Fastify times a request.
      const started = performance.now();
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Node's parser ends the body after exactly Content-Length bytes. A client that goes away first
      // (aborted, ECONNRESET) has nobody left to answer; it is logged as Fastify's body reader has it
      // logged, a rejected request of the client's making (a 4xx), never an outage.
      request.on('error', (error: Error & { statusCode?: number }) => {
        error.statusCode ??= 400;
        options.errorAnswer(error, options.log(request));
        response.destroy();
      });
      request.on('end', () => {
        const body =
          chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        respond(route, request, response, body, started).catch((error: unknown) => {
          // Only writing the answer can get here (the route's errors are answered above).
          options.log(request).error({ err: error }, 'request failed');
          response.destroy();
        });
      });
      return true;
    },
    add(path, route) {
      const head = Object.entries({ ...route.headers, ...options.securityHeaders }).flat();
      routes.set(path, { ...route, path, head });
    },
    stop() {
      stopped = true;
    },
  };
}
