/**
 * Sign-in in the browser with a loopback redirect (RFC 8252 §7.3) and PKCE (RFC 7636), as kubelogin
 * does: a one-request HTTP server on 127.0.0.1 waits for the authorization response, the code is
 * exchanged by @latchkey/oidc's relying-party client (state, iss, PKCE, ID token checks).
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { LoginTokenSet, OidcClient } from '@latchkey/oidc';
import { CommandError } from '../../lib/errors.js';

// Required, not imported: Node 24's ES-module facade of node:http reads its lazy WebSocket/MessageEvent
// exports, which load undici (~14 MB resident), and every `latchkey` command loads this module, the
// long-running `latchkey serve` included (docs/performance-notes-memory.md).
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

const PAGE = (message: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Latchkey</title><p>${message}</p></html>`;

export async function loopbackLogin(
  client: OidcClient,
  port: number,
  openBrowser: (url: string) => void | Promise<void>,
  timeoutMs: number,
): Promise<LoginTokenSet> {
  const start = await client.startAuthorization();
  const redirect = new URL(client.redirectUri);
  let settle: (params: URLSearchParams) => void = () => {};
  const callback = new Promise<URLSearchParams>((resolve) => {
    settle = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', client.redirectUri);
    if (url.pathname !== redirect.pathname) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(PAGE('You are signed in. You can close this window and return to the terminal.'));
    settle(url.searchParams);
  });
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    throw new CommandError(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
  }
  try {
    await openBrowser(start.url);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new CommandError('no sign-in arrived in time')), timeoutMs).unref(),
    );
    const params = await Promise.race([callback, timeout]);
    return await client.handleCallback(params, start);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
