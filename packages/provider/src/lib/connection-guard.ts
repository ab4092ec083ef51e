import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long and how many: the bounds an HTTP server facing the internet needs against slow or piled-up
 * connections (checklist L2, CWE-400 "slowloris"). Times in milliseconds; 0 connections means no limit.
 */
export interface ConnectionLimits {
  /** From connection (or the end of the previous request) to the end of the request headers. */
  readonly headersTimeout: number;
  /** From the start of a request to the last byte of its body: a body trickled in slowly is cut off. */
  readonly requestTimeout: number;
  /** How long a kept-alive connection may wait for its next request. */
  readonly keepAliveTimeout: number;
  /** A connection on which nothing moves (no byte in or out) this long is closed. */
  readonly idleTimeout: number;
  /** Open connections one client address may hold at once; the next one is closed at once. */
  readonly maxConnectionsPerAddress: number;
  /** Addresses the per-address limit does not apply to: proxies that carry many clients' connections. */
  readonly exempt?: (address: string) => boolean;
}

/**
 * Applies `limits` to any node:http server (Fastify's `app.server`, a plain `createServer`), before it
 * listens. It imports nothing but Node, so any of our servers can use it. Node enforces the header and
 * request times itself: a timed-out request gets its `clientError` (`ERR_HTTP_REQUEST_TIMEOUT`, 408)
 * and its connection is closed.
 */
export function guardConnections(server: Server, limits: ConnectionLimits): void {
  if (limits.requestTimeout > 0 && limits.headersTimeout > limits.requestTimeout) {
    throw new RangeError('headersTimeout must not exceed requestTimeout');
  }
  server.headersTimeout = limits.headersTimeout;
  server.requestTimeout = limits.requestTimeout;
  server.keepAliveTimeout = limits.keepAliveTimeout;
  server.setTimeout(limits.idleTimeout);
  // Node checks the header and request times on a timer (30 s by default), so a bound of a few seconds
  // would be overshot by up to 30 s; check four times per shortest bound (at least every 250 ms). The
  // interval is read when the server starts listening.
  const shortest = Math.min(...[limits.headersTimeout, limits.requestTimeout].filter((t) => t > 0));
  if (Number.isFinite(shortest)) {
    (server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
      250,
      Math.min(30_000, Math.floor(shortest / 4)),
    );
  }
  if (limits.maxConnectionsPerAddress > 0) limitPerAddress(server, limits);
}

function limitPerAddress(server: Server, limits: ConnectionLimits): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || limits.exempt?.(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      // Nothing is read or answered: an answer would cost the server the work the limit saves.
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
