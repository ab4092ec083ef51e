import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, basicAuth, type LifecycleFixture, lifecycleFixture } from '../refresh/fixture.js';

let f: LifecycleFixture;
before(async () => {
  f = await lifecycleFixture({ overrides: { tokens: { refreshTokenIdleLifetime: 3600 } } });
});
after(() => f.close());

const introspect = (form: Record<string, string>, client: 'web' | 'other' | 'svc' = 'web') =>
  f.post('/introspect', form, f.auth(client));

describe('POST /introspect (RFC 7662)', () => {
  test('an active access token: RFC 7662 §2.2 members with token_type Bearer, not cacheable', async () => {
    const { body } = await f.signIn();
    const response = await introspect({ token: body.access_token! });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const info = response.json();
    assert.equal(info.active, true);
    assert.equal(info.token_type, 'Bearer');
    assert.equal(info.client_id, 'web');
    assert.equal(info.sub, f.user.id);
    assert.equal(info.scope, 'openid profile offline_access');
    assert.equal(info.iss, f.config.issuer);
    assert.equal(info.exp, f.clock.now() + f.config.tokens.accessTokenLifetime);
    assert.equal(typeof info.jti, 'string');
  });

  test('an active refresh token, found with or without the hint', async () => {
    const { body } = await f.signIn();
    for (const hint of [undefined, 'refresh_token', 'access_token']) {
      const response = await introspect({
        token: body.refresh_token!,
        ...(hint === undefined ? {} : { token_type_hint: hint }),
      });
      const info = response.json();
      assert.equal(info.active, true, `hint ${hint}`);
      assert.equal(info.token_type, 'refresh_token');
      assert.equal(info.client_id, 'web');
      assert.equal(info.sub, f.user.id);
      assert.equal(info.exp, f.clock.now() + 3600);
    }
  });

  test('a client_credentials token is active for its client', async () => {
    const token = (await f.token({ grant_type: 'client_credentials', resource: API }, f.auth('svc'))).json();
    const info = (await introspect({ token: token.access_token }, 'svc')).json();
    assert.equal(info.active, true);
    assert.equal(info.sub, 'svc');
    assert.equal(info.aud, API);
  });

  const inactive: { name: string; token: () => Promise<string>; client?: 'web' | 'other' }[] = [
    { name: 'an unknown opaque value', token: async () => 'A'.repeat(43) },
    { name: 'garbage', token: async () => 'not a token' },
    { name: 'a forged JWT', token: async () => 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    {
      name: 'J21: an ID token (signed by us, typ JWT, not at+jwt)',
      token: async () => (await f.signIn()).body.id_token!,
    },
    {
      name: 'an access token of another client (RFC 7662 §4)',
      token: async () => (await f.signIn()).body.access_token!,
      client: 'other',
    },
    {
      name: 'a refresh token of another client',
      token: async () => (await f.signIn()).body.refresh_token!,
      client: 'other',
    },
    {
      name: 'a rotated refresh token',
      token: async () => {
        const { body } = await f.signIn();
        await f.refresh(body.refresh_token!);
        return body.refresh_token!;
      },
    },
    {
      name: 'an access token whose grant was revoked (logout)',
      token: async () => {
        const { body, sid } = await f.signIn();
        await f.stores.grants.revokeBySid(sid, f.clock.now());
        return body.access_token!;
      },
    },
    {
      name: 'a refresh token whose grant was revoked',
      token: async () => {
        const { body, grantId } = await f.signIn();
        await f.stores.grants.revoke(grantId, f.clock.now());
        return body.refresh_token!;
      },
    },
  ];
  for (const { name, token, client } of inactive) {
    test(`${name} is {"active": false} and nothing more`, async () => {
      const response = await introspect({ token: await token() }, client);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { active: false });
    });
  }

  test('expired tokens are inactive: the access token after exp, the refresh token after its idle lifetime', async () => {
    const { body } = await f.signIn();
    f.clock.advance(3600 + 60);
    assert.deepEqual((await introspect({ token: body.access_token! })).json(), { active: false });
    assert.deepEqual((await introspect({ token: body.refresh_token! })).json(), { active: false });
  });

  test('needs client authentication: none, a public client or a wrong secret is invalid_client', async () => {
    const { body } = await f.signIn();
    const anonymous = await f.post('/introspect', { token: body.access_token! });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error, 'invalid_client');
    const pub = await f.post('/introspect', { token: body.access_token!, client_id: 'spa' });
    assert.equal(pub.statusCode, 401);
    const wrong = await f.post(
      '/introspect',
      { token: body.access_token! },
      { authorization: basicAuth('web', 'x') },
    );
    assert.equal(wrong.statusCode, 401);
  });

  test('a missing token parameter is invalid_request', async () => {
    assert.equal((await introspect({})).json().error, 'invalid_request');
  });
});
