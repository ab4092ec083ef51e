import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GatewayConfigError, loadGatewayConfig } from '@latchkey/gateway';

const BASE = {
  publicUrl: 'https://gw.example',
  cookie: { secret: 'x'.repeat(32) },
  providers: [{ id: 'op', issuer: 'https://op.example', clientId: 'gw', clientSecret: 's3cret-value' }],
  upstreams: [{ id: 'app', url: 'http://127.0.0.1:3000' }],
  routes: [{ path: '/', upstream: 'app', policy: 'authenticated' }],
};

describe('gateway configuration', () => {
  test('defaults, the __Host- cookie on https, and route resource identifiers', () => {
    const config = loadGatewayConfig({ raw: BASE, env: {} });
    assert.equal(config.listen.port, 4180);
    assert.equal(config.cookie.name, '__Host-latchkey');
    assert.equal(config.cookie.maxAge, 43_200);
    assert.equal(config.routes[0]!.resource, 'https://gw.example');
    assert.deepEqual(config.providers[0]!.scopes, ['openid', 'profile', 'email']);
    assert.equal(config.identityHeaders.user, 'x-auth-request-user');
  });

  test('LATCHKEY_GATEWAY_* variables override the file, and provider secrets come from the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-gw-config-'));
    try {
      const file = join(dir, 'gateway.yaml');
      writeFileSync(file, `publicUrl: https://gw.example\nlisten: { port: 9000 }\n`);
      const config = loadGatewayConfig({
        file,
        raw: { ...BASE, publicUrl: undefined },
        env: {
          LATCHKEY_GATEWAY_LISTEN_PORT: '9100',
          LATCHKEY_GATEWAY_COOKIE_SECRET: 'y'.repeat(40),
          LATCHKEY_GATEWAY_PROVIDER_OP_CLIENT_SECRET: 'from-env',
          LATCHKEY_GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
        },
      });
      assert.equal(config.listen.port, 9100);
      assert.equal(config.cookie.secret.toString(), 'y'.repeat(40));
      assert.equal(config.providers[0]!.clientSecret, 'from-env');
      assert.equal(config.trustedProxies.check('10.1.2.3', 'ipv4'), true);
      assert.equal(config.trustedProxies.check('11.1.2.3', 'ipv4'), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Each message names the key, the refused value (never a secret) and what is expected.
  const bad: [string, Record<string, unknown>, Record<string, string>, RegExp][] = [
    ['unknown top-level key', { listn: {} }, {}, /^listn: is not a known key \(did you mean listen\?\)/],
    [
      'short cookie secret',
      { cookie: { secret: 'short' } },
      {},
      /^cookie\.secret: the value must be at least 32 bytes/,
    ],
    ['missing cookie secret', { cookie: {} }, {}, /^cookie\.secret: is required/],
    [
      'short secret from env',
      {},
      { LATCHKEY_GATEWAY_COOKIE_SECRET: 'short' },
      /^LATCHKEY_GATEWAY_COOKIE_SECRET: /,
    ],
    ['bad port from env', {}, { LATCHKEY_GATEWAY_LISTEN_PORT: '70000' }, /^LATCHKEY_GATEWAY_LISTEN_PORT: /],
    [
      'http public URL',
      { publicUrl: 'http://gw.example' },
      {},
      /^publicUrl: "http:\/\/gw\.example" must be https/,
    ],
    [
      'http issuer',
      { providers: [{ ...BASE.providers[0], issuer: 'http://op.example' }] },
      {},
      /^providers\[0\]\.issuer: /,
    ],
    ['no providers', { providers: [] }, {}, /^providers: \[\] must be a non-empty list/],
    [
      'duplicate provider ids',
      { providers: [BASE.providers[0], BASE.providers[0]] },
      {},
      /^providers\[1\]\.id: repeats/,
    ],
    [
      'unknown upstream',
      { routes: [{ path: '/', upstream: 'nope', policy: 'public' }] },
      {},
      /^routes\[0\]\.upstream: names no upstream/,
    ],
    ['missing policy', { routes: [{ path: '/', upstream: 'app' }] }, {}, /^routes\[0\]\.policy: /],
    [
      'bad requirement',
      { routes: [{ path: '/', upstream: 'app', policy: { require: ['role:x'] } }] },
      {},
      /^routes\[0\]\.policy: require\[0\] "role:x"/,
    ],
    [
      'path with escapes',
      { routes: [{ path: '/a%2e', upstream: 'app', policy: 'public' }] },
      {},
      /^routes\[0\]\.path: /,
    ],
    [
      'path with ;',
      { routes: [{ path: '/a;b', upstream: 'app', policy: 'public' }] },
      {},
      /^routes\[0\]\.path: /,
    ],
    [
      'bad mode',
      { routes: [{ path: '/', upstream: 'app', policy: 'public', mode: 'x' }] },
      {},
      /^routes\[0\]\.mode: /,
    ],
    [
      'unknown route key',
      { routes: [{ path: '/', upstream: 'app', policy: 'public', skipAuth: true }] },
      {},
      /^routes\[0\]\.skipAuth: is not a known key/,
    ],
    ['bad trusted proxy', { trustedProxies: ['10.0.0.0/33'] }, {}, /^trustedProxies\[0\]: /],
    [
      'bad redirect origin',
      { allowedRedirectOrigins: ['https://a.example/path'] },
      {},
      /^allowedRedirectOrigins\[0\]: /,
    ],
    ['bad header name', { identityHeaders: { user: 'X User' } }, {}, /^identityHeaders\.user: /],
    ['bad JWT header name', { identityHeaders: { jwt: 'X:Jwt' } }, {}, /^identityHeaders\.jwt: /],
    [
      'unknown upstream token kind',
      { upstreams: [{ id: 'app', url: 'http://127.0.0.1:3000', token: 'opaque' }] },
      {},
      /^upstreams\[0\]\.token: "opaque" must be none or jwt/,
    ],
    [
      'empty upstream audience',
      { upstreams: [{ id: 'app', url: 'http://127.0.0.1:3000', token: 'jwt', audience: '' }] },
      {},
      /^upstreams\[0\]\.audience: /,
    ],
    ['upstream JWT lifetime too long', { upstreamJwt: { lifetime: '1h' } }, {}, /^upstreamJwt\.lifetime: /],
    [
      'unreadable upstream JWT key',
      { upstreamJwt: { keyFile: '/nonexistent.pem' } },
      {},
      /^upstreamJwt\.keyFile: /,
    ],
    ['unknown upstreamJwt key', { upstreamJwt: { alg: 'HS256' } }, {}, /^upstreamJwt\.alg: /],
  ];
  for (const [name, change, env, message] of bad) {
    test(`${name} fails the start naming the key`, () => {
      assert.throws(
        () => loadGatewayConfig({ raw: { ...BASE, ...change }, env }),
        (error: unknown) => error instanceof GatewayConfigError && message.test(error.message),
      );
    });
  }

  test('a secret never appears in an error message', () => {
    assert.throws(
      () =>
        loadGatewayConfig({
          raw: { ...BASE, providers: [{ ...BASE.providers[0], clientSecret: 424242 }] },
          env: {},
        }),
      (error: Error) =>
        /^providers\[0\]\.clientSecret: the value/.test(error.message) && !error.message.includes('424242'),
    );
    assert.throws(
      () => loadGatewayConfig({ raw: { ...BASE, cookie: { secret: 'tiny-secret' } }, env: {} }),
      (error: Error) => !error.message.includes('tiny-secret'),
    );
  });
});
