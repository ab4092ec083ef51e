import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * A tiny upstream for tests: answers every request with what it saw, as JSON (with the Cache-Control
 * the request's `x-test-cache-control` names). `/slow` waits before
 * answering (for 504 tests); `/stream` sends a chunked body in pieces; an `Upgrade` request gets a 101
 * and then an echo of every byte (WebSocket pass-through without framing).
 */
export async function startUpstream(): Promise<{
  url: string;
  seen: SeenRequest[];
  server: Server;
  close(): Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      // The gateway gave up on this request (a client cut off mid-body): nothing to answer.
      return;
    }
    const request = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    seen.push(request);
    if (req.url?.endsWith('/slow')) {
      setTimeout(() => res.end('late'), 2000).unref();
      return;
    }
    if (req.url?.endsWith('/stream')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
      return;
    }
    // A test can ask for the Cache-Control the upstream answers with.
    const cacheControl = req.headers['x-test-cache-control'];
    res.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': 'app=1; Path=/',
      ...(typeof cacheControl === 'string' ? { 'cache-control': cacheControl } : {}),
    });
    res.end(JSON.stringify(request));
  });
  const tunnels = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket) => {
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    server,
    close: () => {
      for (const socket of tunnels) socket.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
