import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccessTokenVerifier } from '../../src/tokens/index.js';
import { API, basicAuth, type LifecycleFixture, lifecycleFixture, OTHER_API } from '../refresh/fixture.js';

let f: LifecycleFixture;
before(async () => {
  f = await lifecycleFixture();
});
after(() => f.close());

const cc = (form: Record<string, string | string[]>, client: 'svc' | 'one' = 'svc') =>
  f.token({ grant_type: 'client_credentials', ...form }, f.auth(client));

function verifier(audience: string) {
  return createAccessTokenVerifier({
    issuer: f.config.issuer,
    audience,
    requireGrant: false,
    jwks: () => f.keyManager.jwks(),
    algorithms: f.keyManager.algorithms,
    now: f.clock.now,
  });
}

describe('client_credentials', () => {
  test('issues an RFC 9068 access token for the client itself: sub = client_id, aud = the resource, no refresh token', async () => {
    const response = await cc({ resource: API, scope: 'reports:read' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(body.scope, 'reports:read');
    const claims = await verifier(API)(body.access_token);
    assert.equal(claims.sub, 'svc');
    assert.equal(claims['client_id'], 'svc');
    assert.equal(claims.aud, API);
    assert.equal(claims['grant_id'], undefined);
    assert.equal(claims['auth_time'], undefined);
  });

  test('several resource parameters (RFC 8707 §2) give a token for each of them', async () => {
    const response = await cc({ resource: [API, OTHER_API] });
    assert.equal(response.statusCode, 200, response.body);
    const claims = await verifier(OTHER_API)(response.json().access_token);
    assert.deepEqual(claims.aud, [API, OTHER_API]);
  });

  test('without scope the client gets its own registered scopes, never the OpenID ones', async () => {
    const response = await cc({ resource: API });
    assert.equal(response.json().scope, 'reports:read reports:write');
  });

  test('without resource a client with one allowed resource gets a token for it', async () => {
    const response = await cc({}, 'one');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((await verifier(API)(response.json().access_token)).aud, API);
  });

  test('the token is not accepted at UserInfo (its audience is not UserInfo and it names no user)', async () => {
    const token = (await cc({ resource: API })).json().access_token;
    const response = await f.app.inject({
      method: 'GET',
      url: '/userinfo',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 401);
  });

  const refusals: {
    name: string;
    form: Record<string, string | string[]>;
    client?: 'svc' | 'one';
    error: string;
  }[] = [
    {
      name: 'a resource the client may not address',
      form: { resource: 'https://evil.example' },
      error: 'invalid_target',
    },
    {
      name: 'a resource that differs only by a trailing slash',
      form: { resource: `${API}/` },
      error: 'invalid_target',
    },
    { name: 'no resource while the client may address several', form: {}, error: 'invalid_target' },
    {
      name: 'a scope the client is not registered for',
      form: { resource: API, scope: 'admin' },
      error: 'invalid_scope',
    },
    {
      name: 'the openid scope, which needs a user',
      form: { resource: API, scope: 'openid' },
      error: 'invalid_scope',
    },
    {
      name: 'two scope parameters',
      form: { resource: API, scope: ['reports:read', 'reports:write'] },
      error: 'invalid_request',
    },
  ];
  for (const { name, form, client, error } of refusals) {
    test(`refuses ${name} with ${error}`, async () => {
      const response = await cc(form, client);
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().error, error);
    });
  }

  test('a client not registered for client_credentials is unauthorized_client', async () => {
    const response = await f.token({ grant_type: 'client_credentials', resource: API }, f.auth('web'));
    assert.equal(response.json().error, 'unauthorized_client');
  });

  test('C1: a wrong secret and an unknown client get the same invalid_client answer', async () => {
    const wrong = await f.token(
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('svc', 'nope') },
    );
    const unknown = await f.token(
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('ghost', 'nope') },
    );
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(wrong.json(), unknown.json());
  });

  test('writes nothing to the database and reads the client from memory after the first request', async () => {
    await cc({ resource: API });
    const stores = f.stores as unknown as Record<string, Record<string, unknown>>;
    const calls: string[] = [];
    const restore: (() => void)[] = [];
    for (const [storeName, store] of Object.entries(stores)) {
      if (store === null || typeof store !== 'object') continue;
      for (const [method, fn] of Object.entries(store)) {
        if (typeof fn !== 'function') continue;
        store[method] = (...args: unknown[]) => {
          calls.push(`${storeName}.${method}`);
          return (fn as (...a: unknown[]) => unknown)(...args);
        };
        restore.push(() => {
          store[method] = fn;
        });
      }
    }
    try {
      for (let i = 0; i < 5; i++) assert.equal((await cc({ resource: API })).statusCode, 200);
    } finally {
      for (const undo of restore) undo();
    }
    assert.deepEqual(calls, []);
  });
});
