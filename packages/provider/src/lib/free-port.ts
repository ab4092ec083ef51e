import { createServer } from 'node:net';

/** The address is taken (EADDRINUSE) or may not be bound (EACCES, EADDRNOTAVAIL). */
export class PortUnavailableError extends Error {
  override readonly name = 'PortUnavailableError';
  readonly code = 'ERR_PORT_UNAVAILABLE';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: string,
  ) {
    super(`cannot listen on ${host}:${port} (${reason})`);
  }
}

/**
 * Binds host:port for a moment and lets it go, so a start that cannot listen fails before it migrates a
 * database or creates signing keys. Returns the port, the one the system picked when asked for 0 (the
 * development issuer must name it before the app is built).
 */
export function checkPortFree(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new PortUnavailableError(host, port, error.code ?? error.message));
    });
    // exclusive: a port shared with a cluster worker would look free here and be taken at listen.
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
