import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { testCertificates } from './test-ca.js';

export type DocumentHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** An answer of `application/json` with this body (an object is serialized). */
export const jsonDocument =
  (body: unknown, headers: Record<string, string> = {}): DocumentHandler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/**
 * An https server on 127.0.0.1 with the test CA's certificate (names `localhost`, `cimd.test`,
 * `rebind.test`), serving whatever handler a test puts at a path, and counting requests per path.
 */
export async function startDocumentServer() {
  const { cert, key } = testCertificates();
  const routes = new Map<string, DocumentHandler>();
  const hits = new Map<string, number>();
  const server = createServer({ cert, key }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler === undefined) {
      res.writeHead(404);
      res.end();
    } else handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    /** `https://<host>:<port><path>`. */
    url: (path: string, host = 'cimd.test') => `https://${host}:${port}${path}`,
    serve(path: string, handler: DocumentHandler) {
      routes.set(path, handler);
    },
    hits: (path: string) => hits.get(path) ?? 0,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type DocumentServer = Awaited<ReturnType<typeof startDocumentServer>>;
