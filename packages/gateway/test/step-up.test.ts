// RFC 9470 step-up at the gateway: a route that needs more than the session's sign-in sends the browser
// back through the provider asking for it; an API route answers the step-up challenge.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadGatewayConfig } from '@latchkey/gateway';
import { type Harness, ROUTES, startHarness } from './helpers/gateway.js';
import { signIn } from './helpers/sign-in.js';

const MFA = 'urn:latchkey:acr:mfa';
let h: Harness;
before(async () => {
  h = await startHarness({
    routes: [
      { path: '/vault', upstream: 'app', policy: 'authenticated', acr: MFA, maxAge: '5m' },
      { path: '/api/vault', upstream: 'app', mode: 'api', policy: 'authenticated', acr: [MFA], maxAge: 300 },
      ...ROUTES,
    ],
  });
});
after(() => h.close());

const url = (path: string) => `${h.gateway.url}${path}`;
const seconds = () => Math.floor(h.clock.now / 1000);

test('a route with acr sends a password-only session through the provider for step-up, then lets it in', async () => {
  const browser = await signIn(h, { acr: 'urn:latchkey:acr:pwd', auth_time: seconds() });
  assert.equal((await browser.get(url('/home'))).status, 200, 'the password session is good elsewhere');
  const refused = await browser.get(url('/vault/box'));
  assert.equal(refused.status, 302);
  const start = refused.headers.get('location')!;
  assert.match(
    start,
    /\/_latchkey\/start\?provider=op&rd=%2Fvault%2Fbox&acr_values=urn%3Alatchkey%3Aacr%3Amfa&max_age=300$/,
  );
  const toProvider = await browser.get(url(start));
  const authorization = new URL(toProvider.headers.get('location')!);
  assert.equal(authorization.searchParams.get('acr_values'), MFA);
  assert.equal(authorization.searchParams.get('max_age'), '300');
  // Essential, so a provider that cannot reach it errs instead of signing in weaker (no redirect loop).
  assert.deepEqual(JSON.parse(authorization.searchParams.get('claims')!), {
    id_token: { acr: { essential: true, values: [MFA] } },
  });
  const callback = new URL(
    h.op.authorize(authorization.href, {
      claims: { acr: MFA, amr: ['pwd', 'otp', 'mfa'], auth_time: seconds() },
    }),
  );
  const done = await browser.get(url(callback.pathname + callback.search));
  assert.equal(done.headers.get('location'), '/vault/box');
  assert.equal((await browser.get(url('/vault/box'))).status, 200);
  // Five minutes later the sign-in is too old for the route: step-up again.
  h.clock.now += 301_000;
  assert.equal((await browser.get(url('/vault/box'))).status, 302);
});

test('a script (not a navigation) on a step-up route gets a 401, not a redirect', async () => {
  const browser = await signIn(h, { acr: 'urn:latchkey:acr:pwd', auth_time: seconds() });
  const response = await browser.get(url('/vault/box'), { headers: { accept: 'application/json' } });
  assert.equal(response.status, 401);
});

test('an API route with acr answers the RFC 9470 challenge to a token without it', async () => {
  const token = (claims: Record<string, unknown>) =>
    h.op.accessToken({ sub: 'svc', ...claims }, 'http://localhost/api/vault');
  const weak = await fetch(url('/api/vault/x'), {
    headers: { authorization: `Bearer ${token({ acr: 'urn:latchkey:acr:pwd', auth_time: seconds() })}` },
  });
  assert.equal(weak.status, 401);
  assert.match(
    weak.headers.get('www-authenticate')!,
    /error="insufficient_user_authentication".*acr_values="urn:latchkey:acr:mfa", max_age="300"/,
  );
  const strong = await fetch(url('/api/vault/x'), {
    headers: { authorization: `Bearer ${token({ acr: MFA, auth_time: seconds() })}` },
  });
  assert.equal(strong.status, 200);
});

test('a route acr with a space, or a bad maxAge, is refused at load, naming the key', () => {
  const raw = (route: Record<string, unknown>) => ({
    publicUrl: 'https://gw.example',
    cookie: { secret: 'x'.repeat(32) },
    providers: [{ id: 'op', issuer: 'https://op.example', clientId: 'gw', clientSecret: 's3cret-value' }],
    upstreams: [{ id: 'app', url: 'http://127.0.0.1:3000' }],
    routes: [{ path: '/', upstream: 'app', policy: 'authenticated', ...route }],
  });
  assert.throws(() => loadGatewayConfig({ raw: raw({ acr: 'a b' }), env: {} }), /routes\[0\]\.acr/);
  assert.throws(() => loadGatewayConfig({ raw: raw({ maxAge: 'soon' }), env: {} }), /routes\[0\]\.maxAge/);
  const config = loadGatewayConfig({ raw: raw({ acr: MFA, maxAge: '10m' }), env: {} });
  assert.deepEqual(config.routes[0]!.userAuthentication, { acrValues: [MFA], maxAge: 600 });
});
