// Forward-auth with real nginx: `auth_request /_auth` to the gateway, in front of a test upstream.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Gateway, loadGatewayConfig, startGateway } from '@latchkey/gateway';
import { TestBrowser } from '../../packages/gateway/test/helpers/browser.js';
import { startUpstream } from '../../packages/gateway/test/helpers/upstream.js';
import { createFakeProvider, type FakeProvider } from '../../packages/oidc/test/client/fake-provider.js';
import { freePort, waitFor } from './helpers.js';

let dir: string;
let nginx: ChildProcess;
let gateway: Gateway;
let op: FakeProvider;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let origin: string;

function nginxConf(port: number, gatewayPort: number, upstreamUrl: string): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port};
    location = /_auth {
      internal;
      proxy_pass http://127.0.0.1:${gatewayPort}/_auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Host $host;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
    location /_latchkey/ {
      proxy_pass http://127.0.0.1:${gatewayPort};
      proxy_set_header Host $http_host;
    }
    location / {
      auth_request /_auth;
      auth_request_set $auth_user $upstream_http_x_auth_request_user;
      auth_request_set $auth_groups $upstream_http_x_auth_request_groups;
      proxy_set_header X-Auth-Request-User $auth_user;
      proxy_set_header X-Auth-Request-Groups $auth_groups;
      proxy_pass ${upstreamUrl};
      error_page 401 = @signin;
    }
    location @signin {
      return 302 /_latchkey/start?rd=$request_uri;
    }
  }
}
`;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-nginx-'));
  upstream = await startUpstream();
  op = await createFakeProvider();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const config = loadGatewayConfig({
    env: {},
    raw: {
      listen: { host: '127.0.0.1', port: 0 },
      publicUrl: origin,
      databaseUrl: `sqlite:${join(dir, 'gateway.db')}`,
      cookie: { secret: 's'.repeat(32) },
      trustedProxies: ['127.0.0.1'],
      providers: [{ id: 'op', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret }],
      routes: [
        { path: '/', policy: 'authenticated' },
        { path: '/public', policy: 'public' },
        { path: '/admin', policy: { require: ['group:admins'] } },
      ],
    },
  });
  gateway = await startGateway(config, { fetch: op.fetch });
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, nginxConf(port, Number(new URL(gateway.url).port), upstream.url));
  nginx = spawn('/usr/sbin/nginx', ['-c', confFile, '-p', dir, '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(`${origin}/public/`)).status === 200);
});

after(async () => {
  if (nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
  await gateway?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('nginx auth_request against /_auth', () => {
  test('a public path passes without a session', async () => {
    assert.equal((await fetch(`${origin}/public/page`)).status, 200);
  });

  test('a protected path sends the browser to sign in, then passes with the identity from /_auth', async () => {
    const browser = new TestBrowser();
    const first = await browser.get(`${origin}/home?x=1`);
    assert.equal(first.status, 302);
    assert.equal(first.headers.get('location'), `${origin}/_latchkey/start?rd=/home?x=1`);
    const start = await browser.get(first.headers.get('location')!);
    const callback = op.authorize(start.headers.get('location')!, {
      claims: { preferred_username: 'alice' },
    });
    assert.ok(callback.startsWith(`${origin}/_latchkey/callback?`));
    const done = await browser.get(callback);
    assert.equal(done.headers.get('location'), '/home?x=1');
    const page = await browser.get(`${origin}/home?x=1`, { headers: { 'x-auth-request-user': 'mallory' } });
    assert.equal(page.status, 200);
    const seen = (await page.json()) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-auth-request-user'], 'alice');
    assert.equal((await browser.get(`${origin}/admin`)).status, 403);
  });

  test('G2: a path that normalizes into a protected route is judged as that route', async () => {
    const browser = new TestBrowser();
    const response = await browser.get(`${origin}/public/%2e%2e/admin`);
    assert.equal(response.status, 302);
  });
});
