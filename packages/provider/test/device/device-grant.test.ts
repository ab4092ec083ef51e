import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEVICE_GRANT, type DeviceFixture, deviceFixture } from './fixture.js';

let f: DeviceFixture;
before(async () => {
  f = await deviceFixture();
});
after(() => f.close());

const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

describe('POST /device_authorization (RFC 8628 §3.1–§3.2)', () => {
  test('answers a device code, a user code XXXX-XXXX, the verification URIs, expires_in and interval, never cached', async () => {
    const response = await f.authorize({ scope: 'openid profile' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'device_code',
      'expires_in',
      'interval',
      'user_code',
      'verification_uri',
      'verification_uri_complete',
    ]);
    assert.match(body.user_code, USER_CODE);
    assert.ok(body.device_code.length >= 43);
    assert.equal(body.verification_uri, `${f.config.issuer}/device`);
    assert.equal(body.verification_uri_complete, `${f.config.issuer}/device?user_code=${body.user_code}`);
    assert.equal(body.expires_in, 600);
    assert.equal(body.interval, 5);
  });

  test('stores the device code as a hash and the user code normalized, with the granted scopes', async () => {
    const body = await f.start({ scope: 'openid profile email' });
    const pending = await f.stores.deviceCodes.getPendingByUserCode(
      body.user_code.replace('-', ''),
      f.clock.now(),
    );
    assert.ok(pending);
    assert.notEqual(pending.deviceCodeHash, body.device_code);
    // email is not among tv's scopes: dropped, as at the authorization endpoint.
    assert.deepEqual(pending.scopes, ['openid', 'profile']);
  });

  test('the configured lifetime and interval are what the device is told', async () => {
    const g = await deviceFixture({ device: { codeLifetime: 300, interval: 10 } });
    try {
      const body = await g.start();
      assert.equal(body.expires_in, 300);
      assert.equal(body.interval, 10);
    } finally {
      await g.close();
    }
  });

  const refusals: [string, Record<string, string | string[]>, number, string][] = [
    ['an unknown client', { client_id: 'nobody' }, 401, 'invalid_client'],
    ['a client not registered for the device grant', { client_id: 'web' }, 400, 'unauthorized_client'],
    ['only scopes the client may not have', { scope: 'email phone' }, 400, 'invalid_scope'],
    [
      'a resource the client may not address',
      { client_id: 'box', resource: 'https://evil.example' },
      400,
      'invalid_target',
    ],
    ['a repeated scope parameter (A10)', { scope: ['openid', 'profile'] }, 400, 'invalid_request'],
    ['no client_id at all', { client_id: '' }, 401, 'invalid_client'],
  ];
  for (const [name, body, status, error] of refusals) {
    test(`refuses ${name}`, async () => {
      const response = await f.authorize(body);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().error, error);
    });
  }

  test('C2: refuses two client authentication methods in one device authorization request', async () => {
    const response = await f.authorize({
      client_secret: 'x',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'a.b.c',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_request');
  });

  test('discovery advertises the device authorization endpoint and the device grant', async () => {
    const metadata = (await f.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json();
    assert.equal(metadata.device_authorization_endpoint, `${f.config.issuer}/device_authorization`);
    assert.ok(metadata.grant_types_supported.includes(DEVICE_GRANT));
  });
});

describe('polling the token endpoint with a device code (RFC 8628 §3.4–§3.5)', () => {
  const errorOf = async (response: Awaited<ReturnType<DeviceFixture['poll']>>) => {
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    return response.json().error as string;
  };

  test('authorization_pending until the person answers', async () => {
    const { device_code } = await f.start();
    assert.equal(await errorOf(await f.poll(device_code)), 'authorization_pending');
    f.clock.advance(5);
    assert.equal(await errorOf(await f.poll(device_code)), 'authorization_pending');
  });

  test('slow_down when polling faster than the interval, and the interval grows by 5 s for good', async () => {
    const { device_code } = await f.start();
    assert.equal(await errorOf(await f.poll(device_code)), 'authorization_pending');
    f.clock.advance(2);
    assert.equal(await errorOf(await f.poll(device_code)), 'slow_down');
    // The interval is now 10 s: 5 s later is still too fast.
    f.clock.advance(5);
    assert.equal(await errorOf(await f.poll(device_code)), 'slow_down');
    // Now 15 s: waiting that long is fine.
    f.clock.advance(15);
    assert.equal(await errorOf(await f.poll(device_code)), 'authorization_pending');
  });

  test('after approval the device gets an access token, an ID token and a refresh token', async () => {
    const { device_code, user_code } = await f.start({ scope: 'openid profile' });
    assert.equal(await errorOf(await f.poll(device_code)), 'authorization_pending');
    await f.approve(user_code);
    f.clock.advance(5);
    const response = await f.poll(device_code);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'openid profile');
    assert.ok(body.access_token && body.id_token && body.refresh_token);
    const userinfo = await f.app.inject({
      method: 'GET',
      url: '/userinfo',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(userinfo.statusCode, 200, userinfo.body);
    assert.equal(userinfo.json().sub, f.user.id);
  });

  test('a device code is used once: the next poll after the tokens is invalid_grant', async () => {
    const { device_code, user_code } = await f.start();
    await f.approve(user_code);
    assert.equal((await f.poll(device_code)).statusCode, 200);
    f.clock.advance(5);
    assert.equal(await errorOf(await f.poll(device_code)), 'invalid_grant');
  });

  test('two polls racing for one approved code: exactly one gets tokens', async () => {
    const { device_code, user_code } = await f.start();
    await f.approve(user_code);
    const results = await Promise.all([f.poll(device_code), f.poll(device_code)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 400]);
  });

  test('access_denied when the person denied it', async () => {
    const { device_code, user_code } = await f.start();
    assert.ok(await f.deny(user_code));
    assert.equal(await errorOf(await f.poll(device_code)), 'access_denied');
  });

  test('expired_token once the code has expired, even if it was approved', async () => {
    const pending = await f.start();
    const approved = await f.start();
    await f.approve(approved.user_code);
    f.clock.advance(600);
    assert.equal(await errorOf(await f.poll(pending.device_code)), 'expired_token');
    assert.equal(await errorOf(await f.poll(approved.device_code)), 'expired_token');
  });

  test('a device code works only for the client it was issued to', async () => {
    const { device_code, user_code } = await f.start();
    await f.approve(user_code);
    assert.equal(await errorOf(await f.poll(device_code, 'box')), 'invalid_grant');
    // The rightful client still gets its tokens.
    f.clock.advance(5);
    assert.equal((await f.poll(device_code)).statusCode, 200);
  });

  test('an unknown device code is invalid_grant', async () => {
    assert.equal(await errorOf(await f.poll('not-a-device-code')), 'invalid_grant');
  });

  test('a revoked grant (the person signed out everywhere) yields no tokens', async () => {
    const { device_code, user_code } = await f.start();
    const grantId = await f.approve(user_code);
    await f.stores.grants.revoke(grantId, f.clock.now());
    assert.equal(await errorOf(await f.poll(device_code)), 'invalid_grant');
  });

  test('the resources asked for become the access token audience (RFC 8707)', async () => {
    const { device_code, user_code } = await f.start({
      client_id: 'box',
      scope: 'profile',
      resource: 'https://api.example',
    });
    await f.approve(user_code);
    const body = (await f.poll(device_code, 'box')).json();
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    assert.deepEqual(claims.aud, 'https://api.example');
    assert.equal(body.id_token, undefined);
  });

  describe('refreshing a grant made for resources (RFC 8707 §2.2)', () => {
    const API = 'https://api.example';
    const REPORTS = 'https://reports.example';
    const audienceOf = (accessToken: string): unknown =>
      JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).aud;
    const refresh = (refreshToken: string, extra: Record<string, string | string[]> = {}) =>
      f.form('/token', {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'box',
        ...extra,
      });

    async function signIn(resource: string[]) {
      const { device_code, user_code } = await f.start({ client_id: 'box', scope: 'profile', resource });
      await f.approve(user_code);
      const response = await f.poll(device_code, 'box');
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    }

    test('a refresh without resource issues access tokens for every resource of the grant', async () => {
      const first = await signIn([API, REPORTS]);
      assert.deepEqual(audienceOf(first.access_token), [API, REPORTS]);
      const refreshed = await refresh(first.refresh_token);
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      assert.deepEqual(audienceOf(refreshed.json().access_token), [API, REPORTS]);
    });

    test('a refresh naming some of them narrows that access token only', async () => {
      const first = await signIn([API, REPORTS]);
      const narrowed = (await refresh(first.refresh_token, { resource: REPORTS })).json();
      assert.equal(audienceOf(narrowed.access_token), REPORTS);
      const next = (await refresh(narrowed.refresh_token)).json();
      assert.deepEqual(audienceOf(next.access_token), [API, REPORTS]);
    });

    test('a resource the grant does not cover is invalid_target and the refresh token stays usable', async () => {
      const first = await signIn([API]);
      // REPORTS is one the client may address, but this grant was not made for it.
      const refused = await refresh(first.refresh_token, { resource: [API, REPORTS] });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error, 'invalid_target');
      const refreshed = await refresh(first.refresh_token);
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      assert.equal(audienceOf(refreshed.json().access_token), API);
    });
  });
});
