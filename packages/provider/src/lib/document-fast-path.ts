import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { SerializedDocument } from '../keys/published-key-set.js';
import type { DocumentHeaders } from './conditional-get.js';
import { nodeHttp } from './node-http.js';

/**
 * The public documents every relying party and API fetches (discovery, JWKS) answered by the HTTP
 * server before Fastify sees the request. They are fixed bytes with fixed headers, so the framework's
 * per-request work (request and reply objects, routing, hooks, the reply pipeline) is most of their
 * cost: this answers a plain GET of their exact path with the response made once per document.
 *
 * Only the plain case: anything else (HEAD, a query string, a conditional request, a request with a
 * body, a server that is closing) goes on to Fastify, whose route for the same path answers it with
 * the same document and headers (lib/conditional-get.ts). The response carries the headers every
 * Fastify response gets (lib/security-headers.ts) and those the route sets.
 */
export interface DocumentFastPath {
  /** Answers the request when it is a plain GET of a registered path; false when Fastify must. */
  answer(request: IncomingMessage, response: ServerResponse): boolean;
  /** Serves `document()` (read at each request: the JWKS changes on rotation) at exactly `path`. */
  add(path: string, document: () => SerializedDocument, headers: DocumentHeaders): void;
  /** From now on every request goes to Fastify (its 503 and `Connection: close` while closing). */
  stop(): void;
}

export interface DocumentFastPathOptions {
  /** The headers every response carries. */
  readonly securityHeaders: Readonly<Record<string, string>>;
  /** Each answer, as Fastify's onResponse hook would count it (request metrics). */
  readonly onAnswered?: (path: string, seconds: number) => void;
}

/** A document and its whole response head. */
interface Prepared {
  readonly document: SerializedDocument;
  readonly head: Readonly<Record<string, string>>;
}

interface Route {
  readonly document: () => SerializedDocument;
  readonly headers: DocumentHeaders;
  /** The document last served with its head, made again when the document changes. */
  prepared: Prepared | undefined;
}

export function createDocumentFastPath(options: DocumentFastPathOptions): DocumentFastPath {
  const routes = new Map<string, Route>();
  let stopped = false;

  function prepare(route: Route): Prepared {
    const document = route.document();
    if (route.prepared?.document === document) return route.prepared;
    route.prepared = {
      document,
      head: {
        etag: document.etag,
        'cache-control': route.headers.cacheControl,
        'content-type': route.headers.contentType,
        ...options.securityHeaders,
        'content-length': String(document.bytes.length),
      },
    };
    return route.prepared;
  }

  return {
    answer(request, response) {
      if (stopped || request.method !== 'GET') return false;
      const route = routes.get(request.url ?? '');
      if (route === undefined) return false;
      const headers = request.headers;
      // Conditional requests and requests with a body are rare here: Fastify's route handles them.
      if (
        headers['if-none-match'] !== undefined ||
        headers['content-length'] !== undefined ||
        headers['transfer-encoding'] !== undefined
      ) {
        return false;
      }
      const started = options.onAnswered === undefined ? 0 : performance.now();
      let prepared: Prepared;
      try {
        prepared = prepare(route);
      } catch {
        // No document to send (the key set not loaded yet): Fastify's route meets the same error and
        // answers it through the one error factory, instead of it escaping the server's listener.
        return false;
      }
      const { document, head } = prepared;
      response.writeHead(200, head);
      response.end(document.bytes);
      options.onAnswered?.(request.url!, (performance.now() - started) / 1000);
      return true;
    },
    add(path, document, headers) {
      routes.set(path, { document, headers, prepared: undefined });
    },
    stop() {
      stopped = true;
    },
  };
}

/** A way of answering some requests before Fastify: true when it took the request. */
export interface FastPath {
  answer(request: IncomingMessage, response: ServerResponse): boolean;
}

/**
 * Fastify's `serverFactory`: the node:http server Fastify would make (its timeouts are set afterwards,
 * lib/connection-guard.ts), whose requests go to the documents' fast path, then to the others (the
 * token endpoint's, lib/form-fast-path.ts), and to Fastify when every one declines.
 */
export function documentsFirst(
  fastPath: DocumentFastPath,
  ...others: readonly FastPath[]
): (framework: (request: IncomingMessage, response: ServerResponse) => void) => Server {
  return (framework) => {
    const server = nodeHttp.createServer((request, response) => {
      if (fastPath.answer(request, response)) return;
      for (const other of others) if (other.answer(request, response)) return;
      framework(request, response);
    });
    fastPaths.set(server, fastPath);
    return server;
  };
}

// The fast path a server answers through, so the routes that serve documents can register with it
// without every registration being handed it (endpoints/discovery, endpoints/jwks).
const fastPaths = new WeakMap<Server, DocumentFastPath>();

export function documentFastPathOf(server: Server): DocumentFastPath | undefined {
  return fastPaths.get(server);
}
