// Pushed authorization requests (RFC 9126): POST /par, then /authorize?client_id&request_uri — single
// use (atomic, also under concurrency), short-lived, only for the client that pushed, required per
// client or for all, and client credentials never stored with the request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type OpenedProviderStores } from '@latchkey/provider';
import type { FastifyInstance } from 'fastify';
import { pkcePair } from '../authorize/harness.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { type frozenClock, testProviderApp } from '../helpers/fixtures.js';

const REDIRECT_URI = 'https://app.example.com/callback';

interface Setup {
  app: FastifyInstance;
  stores: OpenedProviderStores;
  clock: ReturnType<typeof frozenClock>;
  secret: string;
  close(): Promise<void>;
}

async function setup(overrides = {}): Promise<Setup> {
  const { app, clock, stores, close } = await testProviderApp({ overrides });
  const { secret } = await createClient(stores, {
    name: 'App',
    clientId: 'app',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile'],
  });
  await createClient(stores, {
    name: 'Other',
    clientId: 'other',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid'],
  });
  return { app, clock, stores, secret: secret!, close };
}

function authorizationParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'st-1',
    ...extra,
  };
}

async function push(s: Setup, params: Record<string, string>, authorization = basicAuth('app', s.secret)) {
  return s.app.inject({
    method: 'POST',
    url: '/par',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(params).toString(),
  });
}

const authorize = (s: Setup, query: Record<string, string>) =>
  s.app.inject({ method: 'GET', url: `/authorize?${new URLSearchParams(query)}` });

describe('pushed authorization requests', () => {
  let s: Setup;
  before(async () => {
    s = await setup();
  });
  after(() => s.close());

  test('a pushed request gives a short-lived request_uri that /authorize accepts once', async () => {
    const pushed = await push(s, authorizationParams());
    assert.equal(pushed.statusCode, 201, pushed.body);
    assert.equal(pushed.headers['cache-control'], 'no-store');
    const { request_uri, expires_in } = pushed.json() as { request_uri: string; expires_in: number };
    assert.match(request_uri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    assert.equal(expires_in, 60);

    const first = await authorize(s, { client_id: 'app', request_uri });
    assert.notEqual(first.statusCode, 400, first.body);
    const reused = await authorize(s, { client_id: 'app', request_uri });
    assert.equal(reused.statusCode, 400);
    assert.match(reused.body, /invalid_request_uri/);
  });

  test('the pushed parameters are the request: parameters added in the URL are ignored', async () => {
    const { request_uri } = (await push(s, authorizationParams())).json() as { request_uri: string };
    // A redirect_uri slipped into the front channel would be refused if it were read.
    const response = await authorize(s, {
      client_id: 'app',
      request_uri,
      redirect_uri: 'https://evil.example/cb',
    });
    assert.notEqual(response.statusCode, 400, response.body);
  });

  test('an expired request_uri is refused', async () => {
    const { request_uri } = (await push(s, authorizationParams())).json() as { request_uri: string };
    s.clock.advance(60);
    const response = await authorize(s, { client_id: 'app', request_uri });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /invalid_request_uri/);
  });

  test('a request_uri used by another client_id is refused', async () => {
    const { request_uri } = (await push(s, authorizationParams())).json() as { request_uri: string };
    const response = await authorize(s, { client_id: 'other', request_uri });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /invalid_request_uri/);
  });

  test('of many parallel uses of one request_uri, exactly one proceeds', async () => {
    const { request_uri } = (await push(s, authorizationParams())).json() as { request_uri: string };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => authorize(s, { client_id: 'app', request_uri })),
    );
    assert.equal(responses.filter((r) => r.statusCode !== 400).length, 1);
  });

  test('the client must authenticate to push', async () => {
    const response = await push(s, authorizationParams(), basicAuth('app', 'wrong secret'));
    assert.equal(response.statusCode, 401);
    assert.equal((response.json() as { error: string }).error, 'invalid_client');
  });

  test('a push naming a request_uri, another client_id or an unregistered redirect_uri is refused', async () => {
    for (const extra of <Record<string, string>[]>[
      { request_uri: 'urn:ietf:params:oauth:request_uri:abc' },
      { client_id: 'other' },
      { redirect_uri: 'https://evil.example/cb' },
    ]) {
      const response = await push(s, authorizationParams(extra));
      assert.equal(response.statusCode, 400, JSON.stringify(extra));
      assert.equal((response.json() as { error: string }).error, 'invalid_request');
    }
  });

  test('client credentials sent in the body are not stored with the request', async () => {
    const response = await s.app.inject({
      method: 'POST',
      url: '/par',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        ...authorizationParams(),
        client_id: 'app',
        client_secret: s.secret,
      }).toString(),
    });
    // client_secret_basic is this client's method: client_secret_post is refused before anything is stored.
    assert.equal(response.statusCode, 401);
    const rows = await s.stores.database.db
      .selectFrom('pushed_authorization_requests' as never)
      .select(['params' as never])
      .execute();
    assert.equal(
      rows.some((row) => String((row as { params: string }).params).includes(s.secret)),
      false,
    );
  });

  test('a client registered to push cannot send its request through the front channel', async () => {
    const { client: registered } = await createClient(s.stores, {
      name: 'Pushes',
      clientId: 'pushes',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid'],
    });
    await s.stores.clients.delete('pushes');
    await s.stores.clients.create({ ...registered, requirePushedAuthorizationRequests: true });
    const response = await authorize(s, { client_id: 'pushes', ...authorizationParams({ scope: 'openid' }) });
    assert.equal(response.statusCode, 303);
    const location = new URL(String(response.headers.location));
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });
});

describe('pushed authorization requests required for every client', () => {
  let s: Setup;
  before(async () => {
    s = await setup({ authorization: { requirePushedRequests: true } });
  });
  after(() => s.close());

  test('discovery says so, a front-channel request is refused and a pushed one proceeds', async () => {
    const discovery = (await s.app.inject({ url: '/.well-known/openid-configuration' })).json() as Record<
      string,
      unknown
    >;
    assert.equal(discovery.require_pushed_authorization_requests, true);
    assert.match(String(discovery.pushed_authorization_request_endpoint), /\/par$/);
    const direct = await authorize(s, { client_id: 'app', ...authorizationParams() });
    assert.equal(new URL(String(direct.headers.location)).searchParams.get('error'), 'invalid_request');
    const { request_uri } = (await push(s, authorizationParams())).json() as { request_uri: string };
    const pushed = await authorize(s, { client_id: 'app', request_uri });
    assert.notEqual(pushed.statusCode, 400);
    assert.equal(new URL(String(pushed.headers.location ?? 'https://x/')).searchParams.get('error'), null);
  });
});
