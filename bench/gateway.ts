/**
 * The gateway's cost in API mode: requests per second and p50/p99 latency of GET requests with a valid
 * Bearer access token through the gateway, against the same upstream called directly. Loopback only;
 * autocannon runs in its own process so it does not share the gateway's event loop. One run, bounded.
 *
 *   npm run bench:gateway            (BENCH_DURATION=seconds, BENCH_CONNECTIONS=n to change the load)
 *
 * Target (issue 6): added p50 ≤ 0.5 ms and ≥ 50% of the direct throughput.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadGatewayConfig, startGateway } from '@latchkey/gateway';
import { createFakeProvider } from '../packages/oidc/test/client/fake-provider.js';

const DURATION = Number(process.env['BENCH_DURATION'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
const AUTOCANNON = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname;

interface Result {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Result> {
  const args = [AUTOCANNON, '-j', '-d', String(DURATION), '-c', String(CONNECTIONS)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  const { stdout } = await promisify(execFile)(process.execPath, [...args, url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const json = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    rps: json.requests.average,
    p50: json.latency.p50,
    p99: json.latency.p99,
    errors: json.errors,
    non2xx: json.non2xx,
  };
}

const upstream = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  res.end('ok');
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const op = await createFakeProvider();
const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-gateway-'));
const gateway = await startGateway(
  loadGatewayConfig({
    env: {},
    raw: {
      listen: { host: '127.0.0.1', port: 0 },
      publicUrl: 'http://localhost',
      databaseUrl: `sqlite:${join(dir, 'gateway.db')}`,
      cookie: { secret: 'b'.repeat(32) },
      providers: [{ id: 'op', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret }],
      upstreams: [{ id: 'app', url: upstreamUrl }],
      routes: [{ path: '/api', upstream: 'app', mode: 'api', policy: { require: ['scope:read'] } }],
    },
  }),
  { fetch: op.fetch },
);
const token = op.accessToken(
  { sub: 'bench', scope: 'read', exp: Math.floor(Date.now() / 1000) + 3600 },
  'http://localhost/api',
);
const headers = { authorization: `Bearer ${token}`, host: 'localhost' };
try {
  // Warm up: discovery, JWKS, pooled connections.
  const warm = await fetch(`${gateway.url}/api/x`, { headers });
  if (warm.status !== 200) throw new Error(`warm-up through the gateway answered ${warm.status}`);
  const direct = await load(`${upstreamUrl}/api/x`, headers);
  const through = await load(`${gateway.url}/api/x`, headers);
  const row = (name: string, r: Result) =>
    `| ${name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors + r.non2xx} |`;
  console.log(
    `\nGET with a valid ES256 Bearer token, ${CONNECTIONS} connections, ${DURATION} s each, loopback\n`,
  );
  console.log('| target | requests/s | p50 ms | p99 ms | errors + non-2xx |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(row('upstream directly', direct));
  console.log(row('through the gateway', through));
  console.log(
    `\nadded p50: ${(through.p50 - direct.p50).toFixed(2)} ms (target ≤ 0.5); throughput: ${((100 * through.rps) / direct.rps).toFixed(0)}% of direct (target ≥ 50%)`,
  );
} finally {
  await gateway.close();
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
