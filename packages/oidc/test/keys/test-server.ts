import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real node:http server on 127.0.0.1 whose answers the test sets, counting requests per path. */
export interface TestServer {
  readonly origin: string;
  /** The current handler; tests replace it between steps. */
  handler: Handler;
  /** Requests received, by path. */
  readonly hits: Map<string, number>;
  count(path: string): number;
  close(): Promise<void>;
}

export async function startTestServer(handler: Handler = notFound): Promise<TestServer> {
  const hits = new Map<string, number>();
  const state = { handler };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    state.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get handler() {
      return state.handler;
    },
    set handler(next: Handler) {
      state.handler = next;
    },
    hits,
    count: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404).end();
}

/** Answers with `body` as JSON and optional extra headers. */
export function json(body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
}

/** Answers each path from a table; anything else is 404. */
export function routes(table: Record<string, Handler>): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    (table[path] ?? notFound)(req, res);
  };
}

/** A clock the test moves by hand (epoch milliseconds). */
export function frozenClock(start = 1_800_000_000_000): {
  now: () => number;
  advance(seconds: number): void;
} {
  let current = start;
  return {
    now: () => current,
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}
