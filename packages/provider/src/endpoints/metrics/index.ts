import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { guardConnections } from '../../lib/connection-guard.js';
import { nodeHttp } from '../../lib/node-http.js';

export interface MetricsServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly registry: Registry;
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

const METRICS_PATH = '/metrics';

/**
 * GET /metrics in the Prometheus text format, on a listener of its own (metrics.host, metrics.port),
 * not on the provider's public port: the issuer's address is reachable by every browser and client,
 * the metrics address only by the network the operator binds it to (default loopback). No credentials
 * to configure, none to leak, and a load balancer in front of the issuer never exposes it.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = nodeHttp.createServer((request, response) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
        .end('method not allowed\n');
      return;
    }
    options.registry.metrics().then(
      (text) =>
        response
          .writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' })
          .end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  // Bounded like every input (DESIGN rule 9, checklist L2): a scrape is one small GET from one scraper.
  guardConnections(server, {
    headersTimeout: 10_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 5_000,
    idleTimeout: 30_000,
    maxConnectionsPerAddress: 16,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
