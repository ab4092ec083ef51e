import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Gateway, type GatewayConfig, loadGatewayConfig, startGateway } from '@latchkey/gateway';
import { createFakeProvider, type FakeProvider } from '../../../oidc/test/client/fake-provider.js';
import { startUpstream } from './upstream.js';

export const SECRET = 'k'.repeat(32);

/** Routes used by most gateway tests. */
export const ROUTES = [
  { path: '/', upstream: 'app', policy: 'authenticated' },
  { path: '/public', upstream: 'app', policy: 'public' },
  { path: '/admin', upstream: 'app', policy: { require: ['group:admins'] } },
  { path: '/api', upstream: 'app', mode: 'api', policy: { require: ['scope:orders.read'] } },
  { path: '/slow', upstream: 'slow', policy: 'public' },
  { path: '/down', upstream: 'down', policy: 'public' },
];

export interface Harness {
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly op: FakeProvider;
  readonly upstream: Awaited<ReturnType<typeof startUpstream>>;
  /** The clock the gateway and provider share (ms); move it with `clock.now += …`. */
  readonly clock: { now: number };
  close(): Promise<void>;
}

/**
 * A gateway on a loopback port in front of a test upstream, signing in at a fake provider (injected fetch).
 * `overrides` replace top-level config keys; a function receives the test upstream's URL.
 */
export async function startHarness(
  overrides: Record<string, unknown> | ((upstreamUrl: string) => Record<string, unknown>) = {},
  /** Wraps the fake provider's fetch (to add endpoints it lacks, such as UserInfo). */
  wrapFetch: (fetch: typeof globalThis.fetch, op: FakeProvider) => typeof globalThis.fetch = (f) => f,
): Promise<Harness> {
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const upstream = await startUpstream();
  const op = await createFakeProvider({ now });
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-gateway-'));
  const config = loadGatewayConfig({
    env: {},
    raw: {
      listen: { host: '127.0.0.1', port: 0 },
      publicUrl: 'http://localhost',
      databaseUrl: `sqlite:${join(dir, 'gateway.db')}`,
      cookie: { secret: SECRET },
      providers: [
        {
          id: 'op',
          issuer: op.issuer,
          clientId: op.clientId,
          clientSecret: op.clientSecret,
          scopes: ['openid', 'email'],
        },
      ],
      upstreams: [
        { id: 'app', url: upstream.url },
        { id: 'slow', url: upstream.url, timeout: '0.3s' },
        { id: 'down', url: 'http://127.0.0.1:9', connectTimeout: '1s' },
      ],
      routes: ROUTES,
      ...(typeof overrides === 'function' ? overrides(upstream.url) : overrides),
    },
  });
  const gateway = await startGateway(config, { fetch: wrapFetch(op.fetch, op), now });
  return {
    gateway,
    config,
    op,
    upstream,
    clock,
    async close() {
      await gateway.close();
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
