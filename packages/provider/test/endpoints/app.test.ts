import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ASYMMETRIC_ALGORITHMS } from '@latchkey/oidc';
import {
  CLIENT_AUTH_METHODS,
  createKeyManager,
  createProviderApp,
  errorResponse,
  GRANTS,
  InvalidClient,
  InvalidGrant,
  type KeyManager,
  type OpenedProviderStores,
  type ProviderConfig,
} from '@latchkey/provider';
import type { FastifyInstance } from 'fastify';
import { SCOPES } from '../../src/scopes/index.js';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

let config: ProviderConfig;
let stores: OpenedProviderStores;
let manager: KeyManager;
let app: FastifyInstance;

before(async () => {
  config = testConfig();
  stores = await sqliteStores();
  manager = createKeyManager({ config, stores, now: frozenClock().now, secret: TEST_SECRET });
  await manager.start();
  app = createProviderApp({ config, stores, keyManager: manager });
});
after(async () => {
  await app.close();
  await manager.stop();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

describe('discovery', () => {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    test(`${path} states the configured issuer exactly and the fields the specs require`, async () => {
      const response = await get(path);
      assert.equal(response.statusCode, 200);
      const doc = response.json();
      assert.equal(doc.issuer, config.issuer);
      assert.equal(doc.jwks_uri, `${config.issuer}/jwks`);
      for (const field of [
        'response_types_supported',
        'subject_types_supported',
        'id_token_signing_alg_values_supported',
      ]) {
        assert.ok(Array.isArray(doc[field]), field);
      }
      assert.deepEqual(doc.subject_types_supported, ['public']);
    });
  }

  test('derives its lists from the configured keys and the registries, advertising only what is implemented', async () => {
    const doc = (await get('/.well-known/openid-configuration')).json();
    assert.deepEqual(doc.id_token_signing_alg_values_supported, config.keys.algorithms);
    assert.ok(
      doc.id_token_signing_alg_values_supported.every((a: string) =>
        ASYMMETRIC_ALGORITHMS.includes(a as never),
      ),
    );
    assert.deepEqual(
      doc.grant_types_supported,
      GRANTS.filter((g) => g.implemented).map((g) => g.type),
    );
    assert.equal(doc.token_endpoint, `${config.issuer}/token`);
    assert.equal(doc.userinfo_endpoint, `${config.issuer}/userinfo`);
    assert.deepEqual(
      doc.token_endpoint_auth_methods_supported,
      CLIENT_AUTH_METHODS.filter((m) => m.implemented).map((m) => m.method),
    );
    assert.deepEqual(
      doc.scopes_supported,
      SCOPES.map((s) => s.name),
    );
    for (const claim of ['sub', 'email', 'address', 'phone_number', 'auth_time', 'at_hash', 'sid']) {
      assert.ok(doc.claims_supported.includes(claim), claim);
    }
  });

  test('a grant registered as implemented appears in grant_types_supported and response_types_supported', async () => {
    const grants = [
      {
        type: 'authorization_code',
        responseTypes: ['code'],
        requiresRedirectUri: true,
        allowsPublicClients: true,
        implemented: true,
      },
    ];
    const other = createProviderApp({ config, stores, keyManager: manager, grants });
    const doc = (await other.inject({ url: '/.well-known/openid-configuration' })).json();
    await other.close();
    assert.deepEqual(doc.grant_types_supported, ['authorization_code']);
    assert.deepEqual(doc.response_types_supported, ['code']);
  });

  test('is served with an ETag and answers 304 to If-None-Match', async () => {
    const first = await get('/.well-known/openid-configuration');
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);
    const second = await get('/.well-known/openid-configuration', { 'if-none-match': etag });
    assert.equal(second.statusCode, 304);
    assert.equal(second.body, '');
    assert.equal(
      (await get('/.well-known/openid-configuration', { 'if-none-match': `W/${etag}, "x"` })).statusCode,
      304,
    );
  });

  test('mounts every endpoint under the path of an issuer that has one', async () => {
    const pathConfig = testConfig({ issuer: 'https://id.example.com/tenant' });
    const other = createProviderApp({ config: pathConfig, stores, keyManager: manager });
    const oidc = await other.inject({ url: '/tenant/.well-known/openid-configuration' });
    const oauth = await other.inject({ url: '/.well-known/oauth-authorization-server/tenant' });
    const jwks = await other.inject({ url: '/tenant/jwks' });
    await other.close();
    assert.equal(oidc.json().issuer, 'https://id.example.com/tenant');
    assert.equal(oidc.json().jwks_uri, 'https://id.example.com/tenant/jwks');
    assert.equal(oauth.statusCode, 200);
    assert.equal(jwks.statusCode, 200);
    assert.match(String(oidc.headers['strict-transport-security']), /max-age=\d+/);
  });
});

describe('JWKS', () => {
  test('K4: publishes public members only, with unique kids', async () => {
    const response = await get('/jwks');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/jwk-set\+json/);
    const { keys } = response.json() as { keys: Record<string, unknown>[] };
    assert.equal(keys.length, 4);
    assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length);
    for (const key of keys) {
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        assert.equal(key[privateMember], undefined);
      assert.equal(key.use, 'sig');
    }
  });

  test('K5: is cacheable for exactly keys.jwksMaxAge, with an ETag and 304', async () => {
    const response = await get('/jwks');
    assert.equal(response.headers['cache-control'], `public, max-age=${config.keys.jwksMaxAge}`);
    assert.equal(response.headers.etag, manager.jwks().etag);
    const again = await get('/jwks', { 'if-none-match': String(response.headers.etag) });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers['cache-control'], `public, max-age=${config.keys.jwksMaxAge}`);
    assert.equal((await get('/jwks', { 'if-none-match': '"stale"' })).statusCode, 200);
  });
});

describe('health', () => {
  test('/healthz answers while the process is up', async () => {
    const response = await get('/healthz');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  test('/readyz is 200 when the database answers and keys are loaded', async () => {
    const response = await get('/readyz');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready', database: 'up', keys: 'loaded' });
  });

  test('/readyz is 503 when the database is closed', async () => {
    const own = await sqliteStores();
    const other = createProviderApp({ config, stores: own, keyManager: manager });
    await own.close();
    const response = await other.inject({ url: '/readyz' });
    await other.close();
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().database, 'down');
  });

  test('/readyz is 503 while no keys are loaded', async () => {
    const notReady = { ...manager, algorithms: manager.algorithms, jwks: manager.jwks, isReady: () => false };
    const other = createProviderApp({ config, stores, keyManager: notReady });
    const response = await other.inject({ url: '/readyz' });
    await other.close();
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().keys, 'missing');
  });
});

describe('every response', () => {
  const SECURITY_HEADERS = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  for (const [method, url] of [
    ['GET', '/jwks'],
    ['GET', '/.well-known/openid-configuration'],
    ['GET', '/healthz'],
    ['GET', '/no/such/route'],
    ['POST', '/jwks'],
  ] as const) {
    test(`S5, S7: ${method} ${url} carries the security headers`, async () => {
      const response = await app.inject({ method, url });
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        assert.equal(response.headers[name], value, name);
      assert.equal(response.headers['strict-transport-security'], undefined, 'no HSTS over http');
    });
  }

  test('an unknown route is a 404 JSON error', async () => {
    const response = await get('/nope?code=secret-code');
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /application\/json/);
    assert.equal(response.json().error, 'not_found');
    assert.ok(!response.body.includes('secret-code'));
  });

  test('a body over the limit is refused with 413 JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/jwks',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ x: 'a'.repeat(config.bodyLimit) }),
    });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error, 'request_too_large');
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('an unexpected error is a 500 without a stack trace', async () => {
    const broken = {
      ...manager,
      algorithms: manager.algorithms,
      isReady: manager.isReady,
      jwks: () => {
        throw new Error('disk on fire at /srv/secret/path');
      },
    };
    const other = createProviderApp({ config, stores, keyManager: broken });
    const response = await other.inject({ url: '/jwks' });
    await other.close();
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), {
      error: 'server_error',
      error_description: 'The server could not complete the request.',
    });
    assert.ok(!response.body.includes('disk on fire'));
  });
});

describe('the OAuth error factory', () => {
  test('builds the RFC 6749 §5.2 body with no-store', () => {
    const response = errorResponse(new InvalidGrant('The code has expired'));
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, { error: 'invalid_grant', error_description: 'The code has expired' });
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('answers invalid_client with 401 and a Basic challenge', () => {
    const response = errorResponse(new InvalidClient('Client authentication failed'));
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'] ?? '', /^Basic /);
  });

  test('an OAuth error carries no stack frames, and other errors still do', () => {
    const limit = Error.stackTraceLimit;
    const oauth = new InvalidGrant('The code has expired');
    assert.equal(Error.stackTraceLimit, limit, 'the global limit is restored');
    assert.ok(oauth instanceof Error);
    assert.doesNotMatch(oauth.stack ?? '', /\n\s+at /);
    assert.match(new Error('a fault').stack ?? '', /\n\s+at /);
  });

  test('turns anything else into a bare server_error', () => {
    const response = errorResponse(new Error('SELECT * FROM secrets'));
    assert.equal(response.status, 500);
    assert.equal(response.body.error, 'server_error');
    assert.ok(!JSON.stringify(response.body).includes('SELECT'));
  });
});
