// After logout the browser must not show a protected page from its cache, and cookies of a provider on
// the gateway's own host (ports do not separate cookies) must not reach the upstream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from './helpers/gateway.js';
import { signIn } from './helpers/sign-in.js';
import type { SeenRequest } from './helpers/upstream.js';

const ASKED = { 'x-test-cache-control': 'public, max-age=600' };

describe('Cache-Control for signed-in sessions', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      routes: [
        { path: '/', upstream: 'app', policy: 'authenticated' },
        { path: '/public', upstream: 'app', policy: 'public' },
        { path: '/cached', upstream: 'app', policy: 'authenticated', cache: 'upstream' },
        { path: '/api', upstream: 'app', mode: 'api', policy: { require: ['scope:orders.read'] } },
      ],
    });
  });
  after(() => h.close());

  test('an answer to a signed-in session is private, no-store whatever the upstream says', async () => {
    const browser = await signIn(h);
    const response = await browser.get(`${h.gateway.url}/home`, { headers: ASKED });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    const plain = await browser.get(`${h.gateway.url}/home`);
    assert.equal(plain.headers.get('cache-control'), 'private, no-store');
  });

  test('a route with cache: upstream keeps the upstream’s Cache-Control', async () => {
    const browser = await signIn(h);
    const response = await browser.get(`${h.gateway.url}/cached/x`, { headers: ASKED });
    assert.equal(response.headers.get('cache-control'), 'public, max-age=600');
  });

  test('answers without a session (public routes, Bearer calls) keep the upstream’s Cache-Control', async () => {
    const anonymous = await fetch(`${h.gateway.url}/public/x`, { headers: ASKED });
    assert.equal(anonymous.headers.get('cache-control'), 'public, max-age=600');
    const token = h.op.accessToken({ sub: 'svc', scope: 'orders.read' }, 'http://localhost/api');
    const api = await fetch(`${h.gateway.url}/api/orders`, {
      headers: { ...ASKED, authorization: `Bearer ${token}` },
    });
    assert.equal(api.status, 200);
    assert.equal(api.headers.get('cache-control'), 'public, max-age=600');
  });
});

const COOKIES = [
  'latchkey-session=s',
  'latchkey-browser=b',
  '__Host-latchkey-session=hs',
  '_session=os',
  '_interaction=oi',
  'KEYCLOAK_IDENTITY=k',
  'tracker=t',
  'app=1',
  'theme=dark',
].join('; ');

async function cookieSeen(h: Harness): Promise<string | undefined> {
  const response = await fetch(`${h.gateway.url}/public/x`, { headers: { cookie: COOKIES } });
  return ((await response.json()) as SeenRequest).headers['cookie'] as string | undefined;
}

describe('provider cookies never reach the upstream', () => {
  test('a provider on the gateway’s host: its known cookies are stripped, as are upstreamCookies.strip; pass lets one through', async () => {
    // The fake provider's issuer is https://op.example: the gateway shares its host here.
    const h = await startHarness({
      publicUrl: 'https://op.example',
      upstreamCookies: { strip: ['tracker'], pass: ['_session'] },
    });
    try {
      assert.equal(await cookieSeen(h), '_session=os; app=1; theme=dark');
    } finally {
      await h.close();
    }
  });

  test('a provider on another host: only the gateway’s own cookies and upstreamCookies.strip are taken out', async () => {
    const h = await startHarness({ upstreamCookies: { strip: ['tracker'] } });
    try {
      const response = await fetch(`${h.gateway.url}/public/x`, {
        headers: { cookie: `latchkey=sealed; latchkey-login=x; ${COOKIES}` },
      });
      const seen = ((await response.json()) as SeenRequest).headers['cookie'];
      assert.equal(seen, COOKIES.replace('tracker=t; ', ''));
    } finally {
      await h.close();
    }
  });
});
