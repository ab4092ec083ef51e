import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { signJwt } from '@latchkey/oidc';
import { TestBrowser } from './helpers/browser.js';
import { type Harness, startHarness } from './helpers/gateway.js';
import { signIn as signInAt } from './helpers/sign-in.js';
import type { SeenRequest } from './helpers/upstream.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const url = (path: string) => `${h.gateway.url}${path}`;
const bearer = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...extra,
});
const apiToken = (claims: Record<string, unknown> = {}) =>
  h.op.accessToken({ sub: 'svc', scope: 'orders.read', ...claims }, 'http://localhost/api');

async function seen(response: Response): Promise<SeenRequest> {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as SeenRequest;
}

/** A GET with the path sent byte for byte (fetch would normalize `\\`, `..` and `%2e%2e` itself). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; location: string | undefined }> {
  const { port } = new URL(h.gateway.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/html', ...headers } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode!, location: res.headers.location });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Signs a browser in through the whole redirect dance; returns the browser with its session cookie. */
const signIn = (browser = new TestBrowser(), claims: Record<string, unknown> = {}, path = '/home') =>
  signInAt(h, claims, { browser, path });

describe('API mode', () => {
  test('a valid access token reaches the upstream with identity headers', async () => {
    const body = await seen(
      await fetch(url('/api/orders'), { headers: bearer(apiToken({ email: 'svc@example' })) }),
    );
    assert.equal(body.headers['x-auth-request-user'], 'svc@example');
    assert.equal(body.headers['x-auth-request-email'], 'svc@example');
    assert.equal(body.url, '/api/orders');
  });

  test('no token: 401 with a challenge pointing at the protected resource metadata (RFC 9728)', async () => {
    const response = await fetch(url('/api/orders'));
    assert.equal(response.status, 401);
    // Both schemes the route accepts (RFC 9449 §7.1), each pointing at the metadata.
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer resource_metadata="http://localhost/.well-known/oauth-protected-resource/api", ' +
        'DPoP resource_metadata="http://localhost/.well-known/oauth-protected-resource/api", ' +
        'algs="ES256 ES384 PS256 RS256 EdDSA"',
    );
    const metadata = await fetch(url('/.well-known/oauth-protected-resource/api'));
    assert.deepEqual(await metadata.json(), {
      resource: 'http://localhost/api',
      authorization_servers: ['https://op.example'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['orders.read'],
    });
  });

  test('a token without the scope: 403 insufficient_scope naming it', async () => {
    const response = await fetch(url('/api/orders'), { headers: bearer(apiToken({ scope: 'other' })) });
    assert.equal(response.status, 403);
    assert.match(
      response.headers.get('www-authenticate')!,
      /error="insufficient_scope".*scope="orders.read"/,
    );
  });

  const refused: [string, () => string][] = [
    [
      'J21: an ID token used as a bearer token',
      () => h.op.idToken({ sub: 'alice', aud: 'http://localhost/api' }),
    ],
    [
      'J21: a logout token used as a bearer token',
      () => h.op.logoutToken({ sid: 's', aud: 'http://localhost/api' }),
    ],
    [
      'J19: an access token for another audience',
      () => h.op.accessToken({ sub: 'a', scope: 'orders.read' }, 'https://other'),
    ],
    ['J18: an access token from another issuer', () => apiToken({ iss: 'https://op.example/' })],
    ['J15: an expired access token', () => apiToken({ exp: 1000 })],
    [
      'J1: an unsigned token',
      () =>
        `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`,
    ],
  ];
  for (const [name, make] of refused) {
    test(`${name} is refused with 401 invalid_token`, async () => {
      const before = h.upstream.seen.length;
      const response = await fetch(url('/api/orders'), { headers: bearer(make()) });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
      assert.equal(h.upstream.seen.length, before);
    });
  }

  test('K1: a token signed by a key outside the issuer JWKS is refused', async () => {
    const { generateKeyPair } = await import('@latchkey/oidc');
    const { privateKey } = await generateKeyPair('ES256');
    const token = signJwt(
      {
        iss: h.op.issuer,
        aud: 'http://localhost/api',
        sub: 'x',
        scope: 'orders.read',
        exp: Math.floor(h.clock.now / 1000) + 60,
      },
      privateKey,
      { typ: 'at+jwt' },
    );
    assert.equal((await fetch(url('/api/x'), { headers: bearer(token) })).status, 401);
  });

  test('J15: a token verified and cached is refused once it expires (exp plus the 30 s leeway)', async () => {
    const token = apiToken({ exp: Math.floor(h.clock.now / 1000) + 10 });
    assert.equal((await fetch(url('/api/orders'), { headers: bearer(token) })).status, 200);
    h.clock.now += 41_000;
    try {
      assert.equal((await fetch(url('/api/orders'), { headers: bearer(token) })).status, 401);
    } finally {
      h.clock.now -= 41_000;
    }
  });

  test("a cached token's signature on another payload is verified in full and refused", async () => {
    const token = apiToken();
    assert.equal((await fetch(url('/api/orders'), { headers: bearer(token) })).status, 200);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'root' })).toString('base64url')}.${signature}`;
    const response = await fetch(url('/api/orders'), { headers: bearer(forged) });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
    // The genuine token still passes.
    assert.equal((await fetch(url('/api/orders'), { headers: bearer(token) })).status, 200);
  });

  test('an access token in the query string is a 400 (RFC 6750 §2.3, RFC 9700 §2)', async () => {
    assert.equal((await fetch(url(`/api/orders?access_token=${apiToken()}`))).status, 400);
  });
});

describe('G1: identity and forwarding headers from the client never reach the upstream', () => {
  test('spoofed identity headers (any case, underscores) and X-Forwarded-* from an untrusted peer are replaced', async () => {
    const body = await seen(
      await fetch(url('/public/x'), {
        headers: {
          'X-Auth-Request-User': 'admin',
          'X-Auth-Request-Email': 'admin@example',
          'X-Auth-Request-Groups': 'admins',
          'X-Auth-Request-Access-Token': 'forged',
          X_Auth_Request_User: 'admin',
          'X-Forwarded-User': 'admin',
          'X-Forwarded-For': '10.0.0.1',
          'X-Forwarded-Host': 'evil.example',
          'X-Forwarded-Proto': 'https',
          Forwarded: 'for=10.0.0.1',
          'X-Real-IP': '10.0.0.1',
          'X-Original-URI': '/admin',
        },
      }),
    );
    for (const name of [
      'x-auth-request-user',
      'x-auth-request-email',
      'x-auth-request-groups',
      'x-auth-request-access-token',
      'x_auth_request_user',
      'x-forwarded-user',
      'forwarded',
      'x-real-ip',
      'x-original-uri',
    ]) {
      assert.equal(body.headers[name], undefined, name);
    }
    assert.equal(body.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(body.headers['x-forwarded-proto'], 'http');
    assert.notEqual(body.headers['x-forwarded-host'], 'evil.example');
  });

  test('a signed-in user cannot override their own identity headers', async () => {
    const browser = await signIn(new TestBrowser(), { email: 'alice@example', groups: ['staff'] });
    const body = await seen(
      await browser.get(url('/home'), { headers: { 'x-auth-request-groups': 'admins' } }),
    );
    assert.equal(body.headers['x-auth-request-groups'], 'staff');
    assert.equal(body.headers['x-auth-request-email'], 'alice@example');
    assert.ok(
      !String(body.headers['cookie'] ?? '').includes('latchkey'),
      'the session cookie stays at the gateway',
    );
  });
});

describe('G2: routes match the path the upstream sees', () => {
  const cases: [string, number][] = [
    ['/public/../admin', 302],
    ['/public/%2e%2e/admin', 302],
    ['/public/%2E%2E/admin', 302],
    ['/public/.%2e/admin', 302],
    ['//admin', 302],
    ['/ADMIN', 302],
    ['/Admin/x', 302],
    ['/admin;jsessionid=1', 302],
    ['/public;/../admin', 302],
    ['/%61dmin', 302],
    ['/public/..%2fadmin', 400],
    ['/public/..%5cadmin', 400],
    ['/public/%252e%252e/admin', 400],
    ['/public\\..\\admin', 400],
    ['/public/%zz', 400],
    ['/public/ok?/../admin', 200],
  ];
  for (const [path, status] of cases) {
    test(`${path} → ${status}`, async () => {
      const response = await rawGet(path);
      assert.equal(response.status, status);
      if (status === 302) assert.match(response.location!, /^\/_latchkey\/start/);
    });
  }

  test('the upstream receives the normalized path, and the query untouched', async () => {
    await rawGet('/public//a/./b/../%63;v=1?x=%2e%2e&y=1');
    assert.equal(h.upstream.seen.at(-1)!.url, '/public/a/c;v=1?x=%2e%2e&y=1');
  });

  test('no route means deny', async () => {
    const response = await fetch(url('/x'), { headers: { host: 'other.example' } });
    assert.equal(response.status, 401);
    const none = await startHarness({ routes: [{ path: '/only', upstream: 'app', policy: 'public' }] });
    try {
      assert.equal((await fetch(`${none.gateway.url}/elsewhere`)).status, 404);
    } finally {
      await none.close();
    }
  });
});

describe('G4: no magic bypass', () => {
  test('health-check user agents, internal IP headers and HEAD requests get no pass', async () => {
    for (const headers of <Record<string, string>[]>[
      { 'user-agent': 'kube-probe/1.29' },
      { 'user-agent': 'ELB-HealthChecker/2.0' },
      { 'x-forwarded-for': '127.0.0.1' },
      { 'x-original-uri': '/public' },
    ]) {
      assert.equal((await fetch(url('/private'), { headers })).status, 401);
    }
    assert.equal((await fetch(url('/private'), { method: 'HEAD' })).status, 401);
  });
});

describe('browser mode', () => {
  test('sign-in: redirect to the provider with PKCE S256, state and nonce, then the upstream sees the user', async () => {
    const browser = new TestBrowser();
    const first = await browser.get(url('/home?tab=1'));
    assert.equal(first.status, 302);
    const start = await browser.get(url(first.headers.get('location')!));
    const authorize = new URL(start.headers.get('location')!);
    assert.equal(authorize.origin, 'https://op.example');
    for (const name of ['state', 'nonce', 'code_challenge']) assert.ok(authorize.searchParams.get(name));
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('redirect_uri'), 'http://localhost/_latchkey/callback');
    const callback = new URL(h.op.authorize(authorize.href, { claims: { email: 'alice@example' } }));
    const done = await browser.get(url(callback.pathname + callback.search));
    assert.equal(done.headers.get('location'), '/home?tab=1');
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith('latchkey='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const body = await seen(await browser.get(url('/home?tab=1')));
    assert.equal(body.headers['x-auth-request-user'], 'alice@example');
  });

  test('A7: a callback replayed (state reused) is refused', async () => {
    const browser = new TestBrowser();
    const first = await browser.get(url('/a'));
    const start = await browser.get(url(first.headers.get('location')!));
    const callback = new URL(h.op.authorize(start.headers.get('location')!));
    const login = browser.cookies.get('latchkey-login')!;
    assert.equal((await browser.get(url(callback.pathname + callback.search))).status, 302);
    browser.cookies.set('latchkey-login', login);
    assert.equal((await browser.get(url(callback.pathname + callback.search))).status, 400);
  });

  test('A7: a callback in another browser (no or another pre-login cookie) is refused', async () => {
    const victim = new TestBrowser();
    const attacker = new TestBrowser();
    await attacker.get(url('/b'));
    const start = await attacker.get(url('/_latchkey/start?rd=/b'));
    const callback = new URL(h.op.authorize(start.headers.get('location')!));
    await victim.get(url('/_latchkey/start?rd=/c'));
    const response = await victim.get(url(callback.pathname + callback.search));
    assert.equal(response.status, 400);
    assert.equal(victim.cookies.has('latchkey'), false);
  });

  test('A7: a callback with a missing or unknown state is refused', async () => {
    const browser = new TestBrowser();
    await browser.get(url('/_latchkey/start'));
    assert.equal((await browser.get(url('/_latchkey/callback?code=x'))).status, 400);
    assert.equal((await browser.get(url('/_latchkey/callback?code=x&state=forged'))).status, 400);
  });

  test('A8: a response whose iss names another issuer is refused (RFC 9207)', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(url('/_latchkey/start'));
    const callback = new URL(h.op.authorize(start.headers.get('location')!, { iss: 'https://evil.example' }));
    const response = await browser.get(url(callback.pathname + callback.search));
    assert.equal(response.status, 400);
    assert.match(await response.text(), /ERR_CLIENT_ISSUER_MISMATCH/);
  });

  test('A9 / J23: an ID token with a nonce of another login is refused', async () => {
    h.op.tamperIdToken = (claims) => {
      claims['nonce'] = 'injected';
    };
    try {
      const browser = new TestBrowser();
      const start = await browser.get(url('/_latchkey/start'));
      const callback = new URL(h.op.authorize(start.headers.get('location')!));
      const response = await browser.get(url(callback.pathname + callback.search));
      assert.match(await response.text(), /ERR_CLIENT_NONCE_MISMATCH/);
    } finally {
      h.op.tamperIdToken = undefined;
    }
  });

  test('S3: signing in again issues a new session id and ends the previous session', async () => {
    const browser = await signIn();
    const firstCookie = browser.cookies.get('latchkey')!;
    const start = await browser.get(url('/_latchkey/start?rd=/home'));
    const callback = new URL(h.op.authorize(start.headers.get('location')!));
    assert.equal((await browser.get(url(callback.pathname + callback.search))).status, 302);
    assert.notEqual(browser.cookies.get('latchkey'), firstCookie);
    const stale = new TestBrowser();
    stale.cookies.set('latchkey', firstCookie);
    assert.equal((await stale.get(url('/home'))).status, 302);
  });

  test('S6: a tampered, truncated or foreign session cookie is refused', async () => {
    const browser = await signIn();
    const good = browser.cookies.get('latchkey')!;
    const flipped = `${good.slice(0, 20)}${good[20] === 'A' ? 'B' : 'A'}${good.slice(21)}`;
    for (const value of [
      flipped,
      good.slice(0, -2),
      'garbage',
      browser.cookies.get('latchkey-login') ?? 'x',
    ]) {
      const other = new TestBrowser();
      other.cookies.set('latchkey', value);
      assert.equal((await other.get(url('/home'))).status, 302, value.slice(0, 8));
    }
    assert.equal((await browser.get(url('/home'))).status, 200);
  });

  test('a signed-in user outside the required group gets 403', async () => {
    const browser = await signIn(new TestBrowser(), { groups: ['staff'] });
    assert.equal((await browser.get(url('/admin'))).status, 403);
    const admin = await signIn(new TestBrowser(), { groups: ['admins'] }, '/admin/x');
    assert.equal((await admin.get(url('/admin/x'))).status, 200);
  });

  test('an XHR without a session gets 401, not a redirect', async () => {
    assert.equal(
      (await fetch(url('/home'), { headers: { accept: 'application/json' }, redirect: 'manual' })).status,
      401,
    );
  });

  test('G3: return URLs outside the gateway are replaced by /', async () => {
    for (const rd of [
      '//evil.example',
      '/\\evil.example',
      'https:evil.example',
      'https://evil.example/',
      '/\t/evil.example',
    ]) {
      const browser = new TestBrowser();
      const start = await browser.get(url(`/_latchkey/start?rd=${encodeURIComponent(rd)}`));
      const callback = new URL(h.op.authorize(start.headers.get('location')!));
      const done = await browser.get(url(callback.pathname + callback.search));
      assert.equal(done.headers.get('location'), '/', rd);
    }
  });

  test('sessions expire: refreshed before the access token expires, ended when refresh fails', async () => {
    const browser = await signIn();
    const exchanges = h.op.requests.length;
    h.clock.now += 280_000; // 20 s before the 300 s access token expires (refreshBefore 60 s)
    assert.equal((await browser.get(url('/home'))).status, 200);
    assert.equal(h.op.requests.at(-1)!.body.get('grant_type'), 'refresh_token');
    assert.equal(h.op.requests.length, exchanges + 1);
    h.op.tokenResponse = () => Response.json({ error: 'invalid_grant' }, { status: 400 });
    try {
      h.clock.now += 300_000;
      assert.equal((await browser.get(url('/home'))).status, 302);
    } finally {
      h.op.tokenResponse = undefined;
    }
  });

  test('logout ends the session locally and at the provider (RP-initiated)', async () => {
    const browser = await signIn();
    const cookie = browser.cookies.get('latchkey')!;
    const response = await browser.get(url('/_latchkey/logout'));
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin + location.pathname, 'https://op.example/logout');
    assert.ok(location.searchParams.get('id_token_hint'));
    assert.equal(location.searchParams.get('post_logout_redirect_uri'), 'http://localhost/');
    const replay = new TestBrowser();
    replay.cookies.set('latchkey', cookie);
    assert.equal((await replay.get(url('/home'))).status, 302);
  });

  test('back-channel logout with a valid logout token ends the sessions of that sid', async () => {
    const browser = await signIn();
    const post = (token: string) =>
      fetch(url('/_latchkey/backchannel-logout'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
      });
    assert.equal(
      (await post(h.op.idToken({ sub: 'alice', sid: 'sid-1' }))).status,
      400,
      'J21: an ID token is no logout token',
    );
    assert.equal((await post(h.op.logoutToken({ sid: 'sid-1', nonce: 'n' }))).status, 400);
    assert.equal((await browser.get(url('/home'))).status, 200);
    assert.equal((await post(h.op.logoutToken({ sid: 'sid-1' }))).status, 200);
    assert.equal((await browser.get(url('/home'))).status, 302);
  });
});

describe('proxying', () => {
  test('request and response bodies stream through', async () => {
    const body = await seen(await fetch(url('/public/echo'), { method: 'POST', body: 'x'.repeat(100_000) }));
    assert.equal(body.body.length, 100_000);
    const streamed = await fetch(url('/public/stream'));
    assert.equal(await streamed.text(), 'one,two');
  });

  test('an unreachable upstream gives 502 and a slow one 504', async () => {
    const down = await fetch(url('/down'));
    assert.equal(down.status, 502);
    assert.match(await down.text(), /could not be reached/);
    assert.equal((await fetch(url('/slow'))).status, 504);
  });

  test('a WebSocket upgrade passes through once authorized, and is refused without a session', async () => {
    const upgrade = (path: string, token?: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(h.gateway.url);
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `GET ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: websocket\r\n${token ? `authorization: Bearer ${token}\r\n` : ''}\r\n`,
          );
        });
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
          if (text.includes('\r\n\r\n') && !text.includes('ping')) socket.write('ping');
          if (text.includes('ping') || text.startsWith('HTTP/1.1 4')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('error', reject);
      });
    assert.match(await upgrade('/api/ws', apiToken()), /^HTTP\/1\.1 101[\s\S]*ping$/);
    assert.match(await upgrade('/api/ws'), /^HTTP\/1\.1 401/);
  });
});

describe('forward-auth /_auth', () => {
  test('G1: it answers only trusted proxies; a direct caller cannot choose the URI it is asked about', async () => {
    const response = await fetch(url('/_auth'), { headers: { 'x-original-uri': '/public' } });
    assert.equal(response.status, 403);
  });

  test('from a trusted proxy: 200 with identity headers, 401 with a sign-in hint, or a redirect when configured', async () => {
    const trusted = await startHarness({ trustedProxies: ['127.0.0.0/8', '::1'] });
    const redirecting = await startHarness({ trustedProxies: ['127.0.0.1'], forwardAuthRedirect: true });
    try {
      const ask = (base: string, uri: string, headers: Record<string, string> = {}) =>
        fetch(`${base}/_auth`, {
          headers: { 'x-forwarded-uri': uri, 'x-forwarded-host': 'localhost', ...headers },
          redirect: 'manual',
        });
      const token = trusted.op.accessToken(
        { sub: 'svc', scope: 'orders.read', email: 'svc@example' },
        'http://localhost/api',
      );
      const ok = await ask(trusted.gateway.url, '/api/orders', { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-auth-request-user'), 'svc@example');
      assert.equal((await ask(trusted.gateway.url, '/public/x')).status, 200);
      const api = await ask(trusted.gateway.url, '/api/orders');
      assert.equal(api.status, 401);
      assert.match(api.headers.get('www-authenticate')!, /resource_metadata=/);
      const page = await ask(trusted.gateway.url, '/home', { accept: 'text/html' });
      assert.equal(page.status, 401);
      assert.equal(
        page.headers.get('x-auth-request-redirect'),
        'http://localhost/_latchkey/start?rd=%2Fhome',
      );
      const redirect = await ask(redirecting.gateway.url, '/home', { accept: 'text/html' });
      assert.equal(redirect.status, 302);
      assert.equal(redirect.headers.get('location'), 'http://localhost/_latchkey/start?rd=%2Fhome');
      assert.equal(
        (await ask(trusted.gateway.url, '/public/%2e%2e/admin', { accept: 'text/html' })).status,
        401,
      );
    } finally {
      await trusted.close();
      await redirecting.close();
    }
  });
});
