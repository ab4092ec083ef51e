import type { FastifyInstance } from 'fastify';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';

export interface HealthDeps {
  readonly issuer: string;
  /** A cheap database round trip. */
  readonly ping: () => Promise<void>;
  readonly keysLoaded: () => boolean;
  /** How long the database may take to answer before the instance counts as not ready. */
  readonly pingTimeoutMs?: number;
}

/**
 * GET /healthz: the process is up (liveness). GET /readyz: the database answers and the signing keys
 * are loaded (readiness) — 200 or 503, so a load balancer stops routing to an instance that cannot sign.
 */
export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  const base = issuerBasePath(deps.issuer);
  app.get(base + ENDPOINT_PATHS.healthz, (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );
  app.get(base + ENDPOINT_PATHS.readyz, async (_request, reply) => {
    const database = await withTimeout(deps.ping(), deps.pingTimeoutMs ?? 2000).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const keys = deps.keysLoaded() ? ('loaded' as const) : ('missing' as const);
    const ready = database === 'up' && keys === 'loaded';
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'unavailable', database, keys });
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
