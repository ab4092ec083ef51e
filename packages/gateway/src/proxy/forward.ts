import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type Duplex, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { UpstreamConfig } from '../config/types.js';
import { nodeHttp } from '../lib/node-http.js';
import { sendPage } from './pages.js';
import { headerNameToString, Pool } from './undici-parts.js';

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

  readonly #maxBodySize: number;

  /** `maxBodySize`: bytes of a request body forwarded (413 beyond). */
  constructor(upstreams: readonly UpstreamConfig[], maxBodySize = Number.MAX_SAFE_INTEGER) {
    this.#maxBodySize = maxBodySize;
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

  /**
   * Sends the request to the upstream and relays the answer as it arrives: status, headers (minus
   * hop-by-hop ones), then each body chunk with backpressure both ways. The body of the request streams
   * too (undici reads `req`).
   */
  forward(
    req: IncomingMessage,
    res: ServerResponse,
    upstreamId: string,
    path: string,
    headers: string[],
    noStore = false,
  ): void {
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    // Checklist L2: a declared body over the bound is refused before anything is sent upstream; a
    // chunked one is counted as it streams (node:http holds a declared length to its word).
    if (length !== undefined && Number(length) > this.#maxBodySize) {
      tooLarge(res);
      return;
    }
    const body = chunked
      ? Readable.from(limitBody(req, this.#maxBodySize))
      : length !== undefined
        ? req
        : null;
    this.#pools
      .get(upstreamId)!
      .dispatch(
        { method: (req.method ?? 'GET') as 'GET', path, headers, body },
        new ResponseRelay(res, noStore),
      );
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
    const request = (upstream.url.protocol === 'https:' ? httpsRequest : nodeHttp.request)({
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

/**
 * Writes an upstream response to the client. undici's handler interface hands over the raw header list
 * and each chunk as it is parsed, so nothing is parsed into objects or promises per request (its
 * `stream()` API costs a headers object, a promise and stream listeners each time).
 */
class ResponseRelay implements Dispatcher.DispatchHandler {
  readonly #res: ServerResponse;
  readonly #noStore: boolean;
  #abort: ((error?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #done = false;

  constructor(res: ServerResponse, noStore: boolean) {
    this.#res = res;
    this.#noStore = noStore;
    // The client leaving stops the upstream request too, so a long response is not read for nobody.
    // Shared listeners (`this` is the response), not closures: nothing more to allocate per request.
    (res as RelayedResponse)[RELAY] = this;
    res.on('close', onClientClose);
  }

  clientClosed(): void {
    if (!this.#done) this.#abort?.(new Error('the client closed the connection'));
  }

  drained(): void {
    this.#resume?.();
  }

  onConnect(abort: (error?: Error) => void): void {
    this.#abort = abort;
  }

  onHeaders(statusCode: number, raw: Buffer[], resume: () => void): boolean {
    // 1xx interim responses are the upstream hop's own business (RFC 9110 §15.2).
    if (statusCode < 200) return true;
    this.#resume = resume;
    const headers = responseHeaders(raw);
    this.#res.writeHead(statusCode, this.#noStore ? withNoStore(headers) : headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#res.write(chunk)) return true;
    if (this.#res.listenerCount('drain') === 0) this.#res.on('drain', onDrain);
    return false;
  }

  onComplete(): void {
    this.#done = true;
    this.#res.end();
  }

  onError(error: Error): void {
    this.#done = true;
    const res = this.#res;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    if (code === BODY_TOO_LARGE) {
      tooLarge(res);
    } else if (TIMEOUT_CODES.has(code)) {
      sendPage(res, 504, 'Gateway Timeout', 'The service behind this gateway did not answer in time.');
    } else {
      sendPage(res, 502, 'Bad Gateway', 'The service behind this gateway could not be reached.');
    }
  }
}

const BODY_TOO_LARGE = 'ERR_GATEWAY_BODY_TOO_LARGE';

function tooLarge(res: ServerResponse): void {
  sendPage(res, 413, 'Content Too Large', 'The request body is larger than this gateway accepts.', {
    connection: 'close',
  });
}

/** The request body, failing with BODY_TOO_LARGE once more than `max` bytes have arrived. */
async function* limitBody(req: IncomingMessage, max: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw Object.assign(new Error('the request body is too large'), { code: BODY_TOO_LARGE });
    yield chunk as Buffer;
  }
}

/** RFC 9111 §5.2.2.5: `no-store` in place of whatever the upstream said; `private` for old shared caches. */
function withNoStore(headers: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== 'cache-control') out.push(headers[i]!, headers[i + 1]!);
  }
  out.push('cache-control', 'private, no-store');
  return out;
}

const RELAY = Symbol('relay');
type RelayedResponse = ServerResponse & { [RELAY]?: ResponseRelay };

function onClientClose(this: RelayedResponse): void {
  this[RELAY]?.clientClosed();
}

function onDrain(this: RelayedResponse): void {
  this[RELAY]?.drained();
}

/** The upstream's response headers for the client: all but hop-by-hop ones and those `Connection` names. */
function responseHeaders(raw: readonly Buffer[]): string[] {
  const out: string[] = [];
  let named: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    // undici's lookup returns its interned lower-case string for the common names.
    const name = headerNameToString(raw[i]!);
    const value = raw[i + 1]!.toString('latin1');
    if (name === 'connection') {
      named = value.split(',').map((token) => token.trim().toLowerCase());
      continue;
    }
    if (HOP_BY_HOP_RESPONSE.has(name)) continue;
    out.push(name, value);
  }
  if (named === undefined) return out;
  // RFC 9110 §7.6.1: fields the upstream listed in Connection are for that hop only.
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) {
    if (!named.includes(out[i]!)) kept.push(out[i]!, out[i + 1]!);
  }
  return kept;
}

function statusLine(response: IncomingMessage): string {
  return `HTTP/1.1 ${response.statusCode} ${response.statusMessage ?? ''}\r\n`;
}

function headerLines(raw: readonly string[]): string {
  let text = '';
  for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${text}\r\n`;
}
