import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, type LifecycleFixture, lifecycleFixture } from '../refresh/fixture.js';

let f: LifecycleFixture;
before(async () => {
  f = await lifecycleFixture();
});
after(() => f.close());

const revoke = (form: Record<string, string>, client: 'web' | 'other' | 'svc' = 'web') =>
  f.post('/revoke', form, f.auth(client));

describe('POST /revoke (RFC 7009)', () => {
  test('revoking a refresh token ends its family: it and its access tokens stop working, and it is audited', async () => {
    const { body, grantId } = await f.signIn();
    const response = await revoke({ token: body.refresh_token!, token_type_hint: 'refresh_token' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null);
    assert.equal((await f.refresh(body.refresh_token!)).json().error, 'invalid_grant');
    const userinfo = await f.app.inject({
      method: 'GET',
      url: '/userinfo',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(userinfo.statusCode, 401);
    const [event] = await f.stores.audit.list({ limit: 1, type: 'token.revoked' });
    assert.equal(event?.clientId, 'web');
    assert.ok(!JSON.stringify(event).includes(body.refresh_token!));
  });

  test('revoking an access token revokes its grant, whatever the hint says', async () => {
    const { body, grantId } = await f.signIn();
    const response = await revoke({ token: body.access_token!, token_type_hint: 'refresh_token' });
    assert.equal(response.statusCode, 200);
    assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null);
    assert.equal((await f.refresh(body.refresh_token!)).json().error, 'invalid_grant');
  });

  test('a public client revokes its own refresh token with its client_id', async () => {
    const { body, grantId } = await f.signIn('spa');
    const response = await f.post('/revoke', { token: body.refresh_token!, client_id: 'spa' });
    assert.equal(response.statusCode, 200);
    assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null);
  });

  const noOps: {
    name: string;
    token: () => Promise<{ token: string; grantId?: string }>;
    client?: 'other';
  }[] = [
    { name: 'an unknown token', token: async () => ({ token: 'A'.repeat(43) }) },
    { name: 'garbage', token: async () => ({ token: '..' }) },
    {
      name: "another client's refresh token",
      token: async () => {
        const { body, grantId } = await f.signIn();
        return { token: body.refresh_token!, grantId };
      },
      client: 'other',
    },
    {
      name: "another client's access token",
      token: async () => {
        const { body, grantId } = await f.signIn();
        return { token: body.access_token!, grantId };
      },
      client: 'other',
    },
    {
      name: 'J21: an ID token (not an access token, so not revocable as one)',
      token: async () => {
        const { body, grantId } = await f.signIn();
        return { token: body.id_token!, grantId };
      },
    },
  ];
  for (const { name, token, client } of noOps) {
    test(`${name}: 200 and nothing revoked (RFC 7009 §2.2)`, async () => {
      const { token: value, grantId } = await token();
      const response = await revoke({ token: value }, client);
      assert.equal(response.statusCode, 200);
      if (grantId !== undefined) assert.equal((await f.stores.grants.get(grantId))?.revokedAt, null);
    });
  }

  test('a client_credentials access token cannot be recalled: unsupported_token_type', async () => {
    const token = (await f.token({ grant_type: 'client_credentials', resource: API }, f.auth('svc'))).json();
    const response = await revoke({ token: token.access_token }, 'svc');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'unsupported_token_type');
  });

  test('needs client authentication and a token', async () => {
    assert.equal((await f.post('/revoke', { token: 'x' })).statusCode, 401);
    assert.equal((await revoke({})).json().error, 'invalid_request');
  });
});

test('discovery advertises the introspection and revocation endpoints and their authentication methods', async () => {
  const doc = (await f.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json();
  assert.equal(doc.introspection_endpoint, `${f.config.issuer}/introspect`);
  assert.equal(doc.revocation_endpoint, `${f.config.issuer}/revoke`);
  assert.ok(!doc.introspection_endpoint_auth_methods_supported.includes('none'));
  assert.ok(doc.revocation_endpoint_auth_methods_supported.includes('none'));
  assert.ok(doc.grant_types_supported.includes('refresh_token'));
  assert.ok(doc.grant_types_supported.includes('client_credentials'));
});
