import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadGatewayConfig } from '@latchkey/gateway';
import { RemoteKeySet, verifyJwt } from '@latchkey/oidc';
import { TestBrowser } from './helpers/browser.js';
import { type Harness, startHarness } from './helpers/gateway.js';
import type { SeenRequest } from './helpers/upstream.js';

const AUDIENCE = 'https://app.internal';

let h: Harness;
before(async () => {
  h = await startHarness((upstreamUrl) => ({
    upstreams: [{ id: 'app', url: upstreamUrl, token: 'jwt', audience: AUDIENCE }],
    routes: [
      { path: '/', upstream: 'app', policy: 'authenticated' },
      { path: '/public', upstream: 'app', policy: 'public' },
      { path: '/api', upstream: 'app', mode: 'api', policy: { require: ['scope:orders.read'] } },
    ],
  }));
});
after(() => h.close());

const url = (path: string) => `${h.gateway.url}${path}`;

async function seen(response: Response): Promise<SeenRequest> {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as SeenRequest;
}

/** What the upstream would do: verify the JWT with the library against the gateway's published keys. */
function verifyAtUpstream(token: string) {
  const keys = new RemoteKeySet(url('/_latchkey/jwks'), { now: () => h.clock.now });
  return verifyJwt(token, keys, {
    issuer: 'http://localhost',
    audience: AUDIENCE,
    typ: 'JWT',
    algorithms: ['ES256'],
    requiredClaims: ['exp', 'iat', 'jti', 'sub'],
    now: () => h.clock.now,
  });
}

async function signIn(claims: Record<string, unknown>): Promise<TestBrowser> {
  const browser = new TestBrowser();
  const start = await browser.get(url('/_latchkey/start?rd=/home'));
  const callback = new URL(h.op.authorize(start.headers.get('location')!, { claims }));
  assert.equal((await browser.get(url(callback.pathname + callback.search))).status, 302);
  return browser;
}

describe('a freshly signed JWT for the upstream (upstreams[].token: jwt)', () => {
  test('a signed-in user reaches the upstream with a JWT it verifies against /_latchkey/jwks', async () => {
    const browser = await signIn({ email: 'alice@example', groups: ['staff'] });
    const body = await seen(await browser.get(url('/home')));
    const token = body.headers['x-auth-request-jwt'] as string;
    const { claims, header } = await verifyAtUpstream(token);
    assert.equal(header.alg, 'ES256');
    assert.equal(claims.iss, 'http://localhost');
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.sub, 'alice');
    assert.equal(claims['email'], 'alice@example');
    assert.deepEqual(claims['groups'], ['staff']);
    assert.equal(claims.exp! - claims.iat!, 60);
    assert.equal(typeof claims.jti, 'string');
  });

  test('a Bearer caller gets one too, and the JWKS holds only the public key', async () => {
    const token = h.op.accessToken({ sub: 'svc', scope: 'orders.read' }, 'http://localhost/api');
    const body = await seen(await fetch(url('/api/x'), { headers: { authorization: `Bearer ${token}` } }));
    const { claims } = await verifyAtUpstream(body.headers['x-auth-request-jwt'] as string);
    assert.equal(claims.sub, 'svc');
    const jwks = (await (await fetch(url('/_latchkey/jwks'))).json()) as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]!['kty'], 'EC');
    assert.equal(jwks.keys[0]!['d'], undefined);
  });

  test('G1: an incoming forged JWT header (any spelling) is stripped; a public route gets none', async () => {
    const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.';
    const anonymous = await seen(
      await fetch(url('/public/x'), {
        headers: { 'X-Auth-Request-Jwt': forged, x_auth_request_jwt: forged },
      }),
    );
    assert.equal(anonymous.headers['x-auth-request-jwt'], undefined);
    assert.equal(anonymous.headers['x_auth_request_jwt'], undefined);
    const browser = await signIn({});
    const body = await seen(await browser.get(url('/home'), { headers: { 'x-auth-request-jwt': forged } }));
    assert.notEqual(body.headers['x-auth-request-jwt'], forged);
    assert.equal((await verifyAtUpstream(body.headers['x-auth-request-jwt'] as string)).claims.sub, 'alice');
  });

  test('the signed JWT is reused until a quarter of its life is left, then signed afresh', async () => {
    const browser = await signIn({});
    const tokenNow = async () => (await seen(await browser.get(url('/home')))).headers['x-auth-request-jwt'];
    const first = await tokenNow();
    assert.equal(await tokenNow(), first);
    h.clock.now += 44_000;
    assert.equal(await tokenNow(), first);
    h.clock.now += 2_000;
    const renewed = (await tokenNow()) as string;
    assert.notEqual(renewed, first);
    await verifyAtUpstream(renewed);
  });

  test('an expired JWT is refused by the upstream', async () => {
    const browser = await signIn({});
    const token = (await seen(await browser.get(url('/home')))).headers['x-auth-request-jwt'] as string;
    h.clock.now += 61_000 + 60_000; // past exp and any default clock tolerance
    await assert.rejects(verifyAtUpstream(token));
  });
});

test('upstreamJwt.keyFile loads a P-256 private key; a key on another curve is refused naming the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-gateway-key-'));
  try {
    const write = (name: string, curve: string) => {
      const { privateKey } = generateKeyPairSync('ec', {
        namedCurve: curve,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      writeFileSync(join(dir, name), privateKey);
      return join(dir, name);
    };
    const raw = (keyFile: string) => ({
      publicUrl: 'https://gw.example',
      cookie: { secret: 'x'.repeat(32) },
      providers: [{ id: 'op', issuer: 'https://op.example', clientId: 'gw' }],
      upstreams: [{ id: 'app', url: 'http://127.0.0.1:3000', token: 'jwt' }],
      routes: [{ path: '/', upstream: 'app', policy: 'authenticated' }],
      upstreamJwt: { keyFile },
    });
    const config = loadGatewayConfig({ env: {}, raw: raw(write('p256.pem', 'prime256v1')) });
    assert.equal(config.upstreamJwt.key?.asymmetricKeyType, 'ec');
    assert.equal(config.upstreams[0]!.audience, 'http://127.0.0.1:3000');
    assert.throws(
      () => loadGatewayConfig({ env: {}, raw: raw(write('p384.pem', 'secp384r1')) }),
      /^GatewayConfigError: upstreamJwt\.keyFile: "[^"]*p384\.pem" must hold an EC P-256/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
