import type { FastifyInstance } from 'fastify';

/**
 * Closes a Fastify app gracefully but within `ms`: it stops accepting connections at once (new requests
 * on kept-alive connections get 503, `return503OnClosing`), idle connections are closed, and in-flight
 * requests may finish. A request still running after `ms` has its connection cut, so a stuck client or
 * a hung database query cannot hold a SIGTERM forever (an orchestrator would SIGKILL instead).
 */
export async function closeWithin(app: FastifyInstance, ms: number): Promise<{ timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const closed = app.close().then(() => false);
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  const timedOut = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  if (timedOut) {
    app.server.closeAllConnections();
    await closed;
  }
  return { timedOut };
}
