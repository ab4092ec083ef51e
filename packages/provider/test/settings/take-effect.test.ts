import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changeSettings, createClient, resetSettings } from '../../src/admin/index.js';
import { hashOpaqueToken } from '../../src/tokens/opaque-hash.js';
import { Browser } from '../authorize/harness.js';
import { decodeJwt, type EndSessionFixture, endSessionFixture } from '../end-session/fixture.js';
import { basicAuth } from '../refresh/fixture.js';

/**
 * Each runtime setting changes what the provider does on its next use, on the instance that changed it,
 * at once (no restart, no wait for the reload interval).
 */
describe('runtime settings take effect at once', () => {
  let f: EndSessionFixture;
  const actor = { type: 'console', id: 'admin' } as const;
  const change = (input: Record<string, unknown>) =>
    changeSettings(
      { settings: f.stores.settings, audit: f.stores.audit, configured: f.config, live: f.settings },
      input,
      { actor },
    );
  const reset = (names: string[]) =>
    resetSettings(
      { settings: f.stores.settings, audit: f.stores.audit, configured: f.config, live: f.settings },
      names,
      { actor },
    );
  before(async () => {
    f = await endSessionFixture();
  });
  after(() => f.close());

  test('token and session lifetimes: the next sign-in’s ID token, access token, refresh token and session follow', async () => {
    await change({
      'tokens.idTokenLifetime': '20m',
      'tokens.accessTokenLifetime': '2m',
      'tokens.refreshTokenIdleLifetime': '1d',
      'tokens.refreshTokenAbsoluteLifetime': '7d',
      'session.lifetime': '1h',
    });
    const tokens = await f.signIn(new Browser(f.app));
    const id = decodeJwt(tokens.id_token).claims;
    const access = decodeJwt(tokens.access_token).claims;
    assert.equal(Number(id['exp']) - Number(id['iat']), 1200);
    assert.equal(Number(access['exp']) - Number(access['iat']), 120);
    const refresh = await f.stores.refreshTokens.get(hashOpaqueToken(tokens.refresh_token));
    assert.equal(refresh!.idleExpiresAt - refresh!.createdAt, 86_400);
    assert.equal(refresh!.absoluteExpiresAt - refresh!.createdAt, 7 * 86_400);
    const [session] = await f.stores.sessions.listLiveByUser(f.user.id, f.clock.now());
    assert.equal(session!.expiresAt - session!.createdAt, 3600);

    await reset([
      'tokens.idTokenLifetime',
      'tokens.accessTokenLifetime',
      'tokens.refreshTokenIdleLifetime',
      'tokens.refreshTokenAbsoluteLifetime',
      'session.lifetime',
    ]);
    const again = await f.signIn(new Browser(f.app));
    const idAgain = decodeJwt(again.id_token).claims;
    assert.equal(Number(idAgain['exp']) - Number(idAgain['iat']), f.config.tokens.idTokenLifetime);
  });

  test('authorization.codeLifetime: a code older than the new lifetime is refused', async () => {
    await change({ 'authorization.codeLifetime': '10s' });
    const browser = new Browser(f.app);
    // The fixture redeems at once: 10 s is enough.
    await f.signIn(browser);
    // Now a code redeemed 11 s later: refused under the 10 s lifetime.
    const late = await f.signInLate(browser, 11);
    assert.equal(late.statusCode, 400);
    assert.equal(late.json().error, 'invalid_grant');
    await reset(['authorization.codeLifetime']);
    assert.equal((await f.signInLate(browser, 11)).statusCode, 200, 'under the configured 60 s it works');
  });

  test('ui.productName: the next page shows the new name, in its text and its title', async () => {
    await change({ 'ui.productName': '  Acme ID ' });
    const page = await f.app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.match(page.body, /<title>[^<]*· Acme ID<\/title>/);
    assert.match(page.body, /<span class="brand-name">Acme ID<\/span>/);
    await reset(['ui.productName']);
    const back = await f.app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.match(back.body, /<span class="brand-name">Latchkey<\/span>/);
  });

  test('device.codeLifetime and device.interval: the next device authorization says the new values', async () => {
    const { secret } = await createClient(f.stores, {
      name: 'TV',
      clientId: 'tv',
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
      scopes: ['openid'],
    });
    const start = () =>
      f.app.inject({
        method: 'POST',
        url: '/device_authorization',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth('tv', secret!),
        },
        payload: 'scope=openid',
      });
    await change({ 'device.codeLifetime': '5m', 'device.interval': '9s' });
    const changed = await start();
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual([changed.json().expires_in, changed.json().interval], [300, 9]);
    await reset(['device.codeLifetime', 'device.interval']);
    const back = (await start()).json();
    assert.deepEqual(
      [back.expires_in, back.interval],
      [f.config.device.codeLifetime, f.config.device.interval],
    );
  });
});
