import { createServer } from 'node:net';

/**
 * A free loopback port, for a server whose URL must be known before it starts (a provider whose issuer
 * is its own URL, a redirect URI registered ahead of time).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
