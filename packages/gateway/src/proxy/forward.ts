import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { Pool } from 'undici';
import type { UpstreamConfig } from '../config/types.js';
import { sendPage } from './pages.js';

// Response headers that belong to the upstream hop only (RFC 9110 §7.6.1).
const HOP_BY_HOP_RESPONSE: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Forwards requests to upstreams over pooled keep-alive connections (undici), streaming both bodies.
 * The upstream not answering in time is a 504; refusing or breaking the connection is a 502; both with
 * a short page. Once the response has started, a failure can only cut the connection.
 */
export class UpstreamProxy {
  readonly #pools = new Map<string, Pool>();
  readonly #upstreams: ReadonlyMap<string, UpstreamConfig>;
  /** Open upgraded connections, ended by close(). */
  readonly #tunnels = new Set<Duplex>();

  constructor(upstreams: readonly UpstreamConfig[]) {
    this.#upstreams = new Map(upstreams.map((u) => [u.id, u]));
    for (const upstream of upstreams) {
      this.#pools.set(
        upstream.id,
        new Pool(upstream.url.origin, {
          connections: 128,
          pipelining: 1,
          connect: { timeout: upstream.connectTimeout * 1000 },
          headersTimeout: upstream.timeout * 1000,
          bodyTimeout: upstream.timeout * 1000,
        }),
      );
    }
  }

  forward(
    req: IncomingMessage,
    res: ServerResponse,
    upstreamId: string,
    path: string,
    headers: string[],
  ): void {
    const pool = this.#pools.get(upstreamId)!;
    const method = req.method ?? 'GET';
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool
      .stream(
        {
          method: method as 'GET',
          path,
          headers,
          body: hasBody ? req : null,
        },
        ({ statusCode, headers: responseHeaders }) => {
          const out: string[] = [];
          for (const [name, value] of Object.entries(responseHeaders)) {
            if (HOP_BY_HOP_RESPONSE.has(name) || value === undefined) continue;
            if (Array.isArray(value)) for (const v of value) out.push(name, v);
            else out.push(name, value);
          }
          res.writeHead(statusCode, out);
          return res;
        },
      )
      .catch((error: unknown) => {
        const code = (error as { code?: string }).code ?? '';
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (TIMEOUT_CODES.has(code)) {
          sendPage(res, 504, 'Gateway Timeout', 'The service behind this gateway did not answer in time.');
        } else {
          sendPage(res, 502, 'Bad Gateway', 'The service behind this gateway could not be reached.');
        }
      });
  }

  /** WebSocket (or any `Upgrade`) pass-through: the handshake is forwarded, then bytes flow both ways. */
  upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    upstreamId: string,
    path: string,
    headers: string[],
  ): void {
    const upstream = this.#upstreams.get(upstreamId)!;
    const request = (upstream.url.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: upstream.url.hostname,
      port: upstream.url.port,
      method: req.method,
      path,
      headers,
      timeout: upstream.connectTimeout * 1000,
      setHost: false,
    });
    const fail = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    request.on('timeout', () => {
      request.destroy();
      fail(504, 'Gateway Timeout');
    });
    request.on('error', () => {
      if (!socket.destroyed && socket.writable) fail(502, 'Bad Gateway');
    });
    request.on('response', (response) => {
      // The upstream refused the upgrade: relay its answer and close.
      socket.write(statusLine(response) + headerLines(response.rawHeaders));
      response.pipe(socket);
    });
    request.on('upgrade', (response, upstreamSocket, upstreamHead) => {
      request.setTimeout(0);
      socket.write(statusLine(response) + headerLines(response.rawHeaders));
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.pipe(socket).pipe(upstreamSocket);
      this.#tunnels.add(socket);
      const close = () => {
        this.#tunnels.delete(socket);
        upstreamSocket.destroy();
        socket.destroy();
      };
      upstreamSocket.on('error', close);
      socket.on('error', close);
      upstreamSocket.on('close', close);
      socket.on('close', close);
      // Either side ending ends the tunnel (server sockets allow half-open connections).
      upstreamSocket.on('end', close);
      socket.on('end', close);
    });
    request.end();
  }

  async close(): Promise<void> {
    for (const socket of this.#tunnels) socket.destroy();
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }
}

function statusLine(response: IncomingMessage): string {
  return `HTTP/1.1 ${response.statusCode} ${response.statusMessage ?? ''}\r\n`;
}

function headerLines(raw: readonly string[]): string {
  let text = '';
  for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${text}\r\n`;
}
