import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { API, adminApiFixture } from './fixture.js';
import { ROUTES } from './routes.js';

type Fixture = Awaited<ReturnType<typeof adminApiFixture>>;

/** What must not change when a request is refused: the audit log (every mutation writes to it). */
async function auditCount(fixture: Fixture): Promise<number> {
  return (await fixture.stores.audit.list({ limit: 1000 })).length;
}

describe('admin API authorization (checklist N1)', () => {
  let fixture: Fixture;
  let tokens: Record<string, string | undefined>;
  before(async () => {
    fixture = await adminApiFixture();
    const { root, bob, clock } = fixture;
    tokens = {
      'no token': undefined,
      'a token without the admin scope': await fixture.userToken(root.id, { scopes: ['openid'] }),
      'a token of another audience': await fixture.userToken(root.id, {
        audience: `${fixture.config.issuer}/userinfo`,
      }),
      'a token of a user not in latchkey-admins': await fixture.userToken(bob.id),
      'an expired token': await fixture.userToken(root.id, { issuedAt: clock.now() - 3600 }),
      'a token of another issuer': await fixture.userToken(root.id, { issuer: 'https://elsewhere.example' }),
      'a DPoP-bound token sent as Bearer': await fixture.userToken(root.id, {
        extraClaims: { cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } },
      }),
      'a read-only token on a mutation': await fixture.userToken(root.id, {
        scopes: ['latchkey:admin.read'],
      }),
    };
  });

  const expected: Record<string, { status: number; challenge: RegExp }> = {
    'no token': { status: 401, challenge: /^Bearer realm="latchkey-admin"$/ },
    'a token without the admin scope': {
      status: 403,
      challenge: /error="insufficient_scope".*scope="latchkey:admin/,
    },
    'a token of another audience': { status: 401, challenge: /error="invalid_token"/ },
    'a token of a user not in latchkey-admins': { status: 403, challenge: /error="insufficient_scope"/ },
    'an expired token': { status: 401, challenge: /error="invalid_token"/ },
    'a token of another issuer': { status: 401, challenge: /error="invalid_token"/ },
    'a DPoP-bound token sent as Bearer': { status: 401, challenge: /error="invalid_token"/ },
    'a read-only token on a mutation': {
      status: 403,
      challenge: /error="insufficient_scope", .*scope="latchkey:admin"/,
    },
  };

  for (const route of ROUTES) {
    test(`N1: ${route.method} ${route.path} refuses every token that is not an admin's, and changes nothing`, async () => {
      const before = await auditCount(fixture);
      for (const [name, want] of Object.entries(expected)) {
        if (name === 'a read-only token on a mutation' && route.method === 'GET') continue;
        const token = tokens[name];
        const response = await fixture.app.inject({
          method: route.method,
          url: API + route.url,
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
          ...(route.body === undefined ? {} : { payload: route.body as object }),
        });
        assert.equal(response.statusCode, want.status, `${name}: ${response.body}`);
        assert.match(String(response.headers['www-authenticate']), want.challenge, name);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/, name);
      }
      assert.equal(await auditCount(fixture), before, 'nothing was changed (no audit event)');
      assert.ok(await fixture.stores.clients.get('admin-robot'));
      assert.ok(await fixture.stores.users.getByUsername('carol'));
    });
  }

  test('N1: a read-only token may read', async () => {
    const token = await fixture.userToken(fixture.root.id, { scopes: ['latchkey:admin.read'] });
    const response = await fixture.app.inject({
      url: `${API}/users`,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 200);
  });

  test('N1: a user removed from latchkey-admins loses access with the token they hold', async () => {
    const { createUser, addGroupMember, removeGroupMember } = await import('../../src/admin/index.js');
    const eve = await createUser(fixture.stores, { username: 'eve' });
    await addGroupMember(fixture.stores, 'latchkey-admins', 'eve');
    const token = await fixture.userToken(eve.id);
    const get = () =>
      fixture.app.inject({ url: `${API}/users`, headers: { authorization: `Bearer ${token}` } });
    assert.equal((await get()).statusCode, 200);
    await removeGroupMember(fixture.stores, 'latchkey-admins', 'eve');
    assert.equal((await get()).statusCode, 403);
  });

  test('N1: a client_credentials token needs the client registered with the admin scope', async () => {
    const token = await fixture.serviceToken();
    const get = () =>
      fixture.app.inject({ url: `${API}/clients`, headers: { authorization: `Bearer ${token}` } });
    assert.equal((await get()).statusCode, 200);
    const { updateClient } = await import('../../src/admin/index.js');
    // Changed beside the app (as another instance would): seen once the client cache's TTL has passed.
    await updateClient(fixture.stores, 'admin-robot', { scopes: { set: ['reports'] } });
    fixture.clock.advance(fixture.config.clients.cacheTtl + 1);
    const refused = await get();
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(String(refused.headers['www-authenticate']), /insufficient_scope/);
  });
});
