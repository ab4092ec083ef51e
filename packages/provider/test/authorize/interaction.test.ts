import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createProviderApp } from '@latchkey/provider';
import { createInteractionSealer, type Interaction } from '../../src/authorization/interaction.js';
import { TEST_SECRET } from '../helpers/fixtures.js';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  isLoginForm,
  PASSWORD,
  responseParams,
} from './harness.js';

const interaction = (expiresAt: number): Interaction => ({
  request: { clientId: 'app' } as Interaction['request'],
  startedAt: 100,
  expiresAt,
  browser: 'fingerprint',
});

test('a sealed interaction opens only unaltered, unexpired, in the browser that started it, under the same secret', () => {
  const sealer = createInteractionSealer(TEST_SECRET, randomBytes);
  const sealed = sealer.seal(interaction(200));
  assert.equal(sealer.open(sealed, 'fingerprint', 199)?.request.clientId, 'app');
  assert.equal(sealer.open(sealed, 'fingerprint', 200), undefined, 'expired');
  assert.equal(sealer.open(sealed, 'other-browser', 150), undefined, 'another browser');
  assert.equal(sealer.open(sealed, undefined, 150), undefined, 'no browser cookie');
  const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
  assert.equal(sealer.open(flipped, 'fingerprint', 150), undefined, 'altered');
  assert.equal(sealer.open(sealed.slice(0, 30), 'fingerprint', 150), undefined, 'truncated');
  assert.equal(sealer.open('not base64url!', 'fingerprint', 150), undefined);
  assert.equal(sealer.open('A'.repeat(20_000), 'fingerprint', 150), undefined, 'oversized');
  const otherSecret = createInteractionSealer(randomBytes(32), randomBytes);
  assert.equal(otherSecret.open(sealed, 'fingerprint', 150), undefined, 'another secret');
  assert.doesNotMatch(
    Buffer.from(sealed, 'base64url').toString('latin1'),
    /"clientId"/,
    'the contents are encrypted',
  );
});

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

test('a sign-in started on one provider instance continues on another that shares the database and secret', async () => {
  const second = createProviderApp({
    config: h.config,
    stores: h.stores,
    keyManager: h.keyManager,
    clock: h.clock.now,
    secret: TEST_SECRET,
  });
  try {
    const onFirst = new Browser(h.app);
    const login = await onFirst.authorize(authorizeParams());
    assert.ok(isLoginForm(login), `status ${login.statusCode}`);
    const onSecond = new Browser(second, {}, onFirst.remoteAddress);
    for (const [name, value] of onFirst.cookies) onSecond.cookies.set(name, value);
    const consent = await onSecond.follow(await onSecond.submitLogin(login, 'alice', PASSWORD));
    const done = new Browser(h.app, {}, onFirst.remoteAddress);
    for (const [name, value] of onSecond.cookies) done.cookies.set(name, value);
    const response = await done.submitConsent(consent, 'approve');
    assert.ok(responseParams(String(response.headers.location)).get('code'));
  } finally {
    await second.close();
  }
});

test('an issuer with a path serves the flow under it', async () => {
  const tenant = await createHarness({ issuer: 'https://id.example.com/tenant' });
  try {
    const browser = new Browser(tenant.app, { origin: 'https://id.example.com' });
    const login = await browser.get(`/tenant/authorize?${authorizeParams()}`);
    assert.equal(login.statusCode, 200);
    assert.match(login.body, /<form method="post" action="\/tenant\/login">/);
    assert.match(login.body, /href="\/tenant\/assets\/latchkey\.css\?v=/);
    const doc = (await tenant.app.inject({ url: '/tenant/.well-known/openid-configuration' })).json();
    assert.equal(doc.authorization_endpoint, 'https://id.example.com/tenant/authorize');
  } finally {
    await tenant.close();
  }
});
