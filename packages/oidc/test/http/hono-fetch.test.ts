// Hono outside @hono/node-server (Workers, Deno, Bun): the middleware sees only the Fetch `Headers`,
// which join repeated fields with ", ". Driven through app.fetch with real Request objects.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { honoBearerAuth } from '@latchkey/oidc/hono';
import { Hono } from 'hono';
import { type Issuer, testIssuer } from './fixtures.js';

let issuer: Issuer;
let app: Hono;

before(async () => {
  issuer = await testIssuer();
  app = new Hono();
  app.use('/me', honoBearerAuth({ verifier: issuer.verifiers.good, realm: 'api' }));
  app.get('/me', (c) => c.json({ sub: c.get('auth').sub }));
});

function request(authorization: readonly string[]): Promise<Response> {
  const headers = new Headers();
  for (const value of authorization) headers.append('authorization', value);
  return Promise.resolve(app.fetch(new Request('http://api.test/me', { headers })));
}

test('without node bindings, a valid token still reaches the handler', async () => {
  const response = await request([`Bearer ${issuer.accessToken()}`]);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { sub: 'alice' });
});

test('without node bindings, two Authorization headers (joined by Headers) get 400 invalid_request', async () => {
  const token = issuer.accessToken();
  const response = await request([`Bearer ${token}`, `Bearer ${token}`]);
  assert.equal(response.status, 400);
  assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const text = await response.text();
  assert.equal(
    text.includes(token) || (response.headers.get('www-authenticate') ?? '').includes(token),
    false,
  );
});
