import type { Server } from 'node:http';
import type { Socket } from 'node:net';

// Sent before the connection is closed: a client sees why, without the gateway reading its request.
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 5\r\ncontent-length: 0\r\n\r\n';

/**
 * Checklist L2: at most `perAddress` open connections from one client address; one more is answered
 * 503 and closed at once. Trusted proxies are not counted: every client behind them shares their
 * address. Counts live in memory, per gateway process, and drop with each closed connection.
 */
export function limitConnectionsPerAddress(
  server: Server,
  perAddress: number,
  exempt: (address: string) => boolean,
): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) {
      socket.end(REFUSAL);
      socket.destroySoon();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
