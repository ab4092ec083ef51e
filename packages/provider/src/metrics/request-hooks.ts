import type { FastifyInstance } from 'fastify';
import type { ProviderMetrics } from './provider-metrics.js';

/** Requests that matched no route share one label, so scanners probing random URLs cannot grow the label set. */
const UNMATCHED = 'unmatched';

/**
 * Counts every answered request by its route pattern (`/token`, not `/token?x=…`) and status, and times
 * it. One onResponse hook: it runs after the reply is sent, so it adds nothing to the response time.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: ProviderMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(
      request.routeOptions.url ?? UNMATCHED,
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
