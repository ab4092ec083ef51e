import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fetchDiscovery } from '@latchkey/oidc';
import { json, routes, startTestServer } from './test-server.js';

const WELL_KNOWN = '/.well-known/openid-configuration';

/** A fetch that answers `body` for the one URL expected, and records what was asked. */
function fakeFetch(expectedUrl: string, body: unknown, init: ResponseInit = {}) {
  const asked: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    asked.push(url);
    if (url !== expectedUrl) return new Response('', { status: 404 });
    return new Response(JSON.stringify(body), { status: 200, ...init });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

describe('K6: the JWKS URL comes only from the configured issuer discovery document', () => {
  const issuer = 'https://id.example.com';
  const cases: { name: string; metadata: Record<string, unknown>; ok: boolean }[] = [
    {
      name: 'accepts an exact issuer and an https jwks_uri',
      metadata: { issuer, jwks_uri: `${issuer}/jwks` },
      ok: true,
    },
    {
      name: 'accepts a jwks_uri on another https host',
      metadata: { issuer, jwks_uri: 'https://keys.example.net/jwks' },
      ok: true,
    },
    {
      name: 'rejects an issuer with a trailing slash',
      metadata: { issuer: `${issuer}/`, jwks_uri: `${issuer}/jwks` },
      ok: false,
    },
    {
      name: 'rejects an issuer in another case',
      metadata: { issuer: 'https://ID.example.com', jwks_uri: `${issuer}/jwks` },
      ok: false,
    },
    {
      name: 'rejects an http issuer',
      metadata: { issuer: 'http://id.example.com', jwks_uri: `${issuer}/jwks` },
      ok: false,
    },
    {
      name: 'rejects another issuer',
      metadata: { issuer: 'https://evil.example.com', jwks_uri: `${issuer}/jwks` },
      ok: false,
    },
    { name: 'rejects a missing issuer', metadata: { jwks_uri: `${issuer}/jwks` }, ok: false },
    { name: 'rejects a missing jwks_uri', metadata: { issuer }, ok: false },
    { name: 'rejects a non-string jwks_uri', metadata: { issuer, jwks_uri: [`${issuer}/jwks`] }, ok: false },
    { name: 'rejects a relative jwks_uri', metadata: { issuer, jwks_uri: '/jwks' }, ok: false },
    {
      name: 'rejects an http jwks_uri',
      metadata: { issuer, jwks_uri: 'http://id.example.com/jwks' },
      ok: false,
    },
    {
      name: 'rejects an http loopback jwks_uri for an https issuer',
      metadata: { issuer, jwks_uri: 'http://127.0.0.1/jwks' },
      ok: false,
    },
  ];
  for (const c of cases) {
    test(`K6: ${c.name}`, async () => {
      const { fetch } = fakeFetch(`${issuer}${WELL_KNOWN}`, c.metadata);
      const result = fetchDiscovery(issuer, { fetch });
      if (c.ok) assert.equal((await result).jwks_uri, c.metadata.jwks_uri);
      else await assert.rejects(result, { code: 'ERR_DISCOVERY_INVALID' });
    });
  }

  test('K6: one trailing slash of the issuer is stripped before the well-known path, and issuer is compared as configured', async () => {
    const configured = 'https://id.example.com/tenant/';
    const { fetch, asked } = fakeFetch(`https://id.example.com/tenant${WELL_KNOWN}`, {
      issuer: configured,
      jwks_uri: 'https://id.example.com/tenant/jwks',
    });
    assert.equal((await fetchDiscovery(configured, { fetch })).issuer, configured);
    assert.deepEqual(asked, [`https://id.example.com/tenant${WELL_KNOWN}`]);
  });

  test('K6: a redirect is never followed', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const issuer = `${server.origin}/moved`;
    server.handler = routes({
      [`/moved${WELL_KNOWN}`]: (_q, s) =>
        s.writeHead(301, { location: `${server.origin}/real${WELL_KNOWN}` }).end(),
      [`/real${WELL_KNOWN}`]: json({ issuer, jwks_uri: `${server.origin}/jwks` }),
    });
    await assert.rejects(fetchDiscovery(issuer), { code: 'ERR_JWKS_FETCH_FAILED' });
    assert.equal(server.count(`/real${WELL_KNOWN}`), 0);
  });
});

describe('fetchDiscovery over HTTP', () => {
  test('reads the metadata of a loopback http issuer', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const metadata = {
      issuer: server.origin,
      jwks_uri: `${server.origin}/jwks`,
      token_endpoint: `${server.origin}/token`,
    };
    server.handler = routes({ [WELL_KNOWN]: json(metadata) });
    assert.deepEqual(await fetchDiscovery(server.origin), metadata);
  });

  const failures: { name: string; status: number; body: string; code: string }[] = [
    { name: 'a 404', status: 404, body: '', code: 'ERR_JWKS_FETCH_FAILED' },
    { name: 'a 500', status: 500, body: '{}', code: 'ERR_JWKS_FETCH_FAILED' },
    { name: 'invalid JSON', status: 200, body: '{"issuer":', code: 'ERR_DISCOVERY_INVALID' },
    { name: 'a JSON array', status: 200, body: '[]', code: 'ERR_DISCOVERY_INVALID' },
    {
      name: 'a body over maxSize',
      status: 200,
      body: JSON.stringify({ pad: 'x'.repeat(5000) }),
      code: 'ERR_JWKS_FETCH_FAILED',
    },
  ];
  for (const f of failures) {
    test(`${f.name} is ${f.code}`, async (t) => {
      const server = await startTestServer((_q, s) => s.writeHead(f.status).end(f.body));
      t.after(() => server.close());
      await assert.rejects(fetchDiscovery(server.origin, { maxSize: 4096 }), { code: f.code });
    });
  }

  test('a provider that never answers is ERR_JWKS_TIMEOUT', async (t) => {
    const server = await startTestServer(() => {});
    t.after(() => server.close());
    await assert.rejects(fetchDiscovery(server.origin, { timeout: '0.1s' }), { code: 'ERR_JWKS_TIMEOUT' });
  });

  test('the issuer and options are checked with a TypeError', async () => {
    for (const issuer of [
      'id.example.com',
      'http://id.example.com',
      'https://id.example.com?x=1',
      'https://id.example.com#f',
    ]) {
      await assert.rejects(fetchDiscovery(issuer), TypeError, issuer);
    }
    await assert.rejects(fetchDiscovery('https://id.example.com', { timeout: 'soon' }), TypeError);
    await assert.rejects(fetchDiscovery('https://id.example.com', { maxSize: 0 }), TypeError);
  });
});
