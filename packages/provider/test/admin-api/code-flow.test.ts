import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../../src/admin/index.js';
import { recordAuthorizationCode, recordSession } from '../helpers/authorization.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { API, adminApiFixture } from './fixture.js';

test('N1: an admin’s token from a code exchange with the admin resource works until their session is ended', async () => {
  const fixture = await adminApiFixture();
  const { stores, clock, root, audience } = fixture;
  const redirectUri = 'https://tool.example/callback';
  const tool = await createClient(stores, {
    name: 'Admin tool',
    redirectUris: [redirectUri],
    scopes: ['openid', 'latchkey:admin'],
    allowedResources: [audience],
  });
  const now = clock.now();
  const sid = await recordSession(stores.sessions, { userId: root.id, authTime: now, now });
  const { code, verifier } = await recordAuthorizationCode(stores, {
    clientId: tool.client.clientId,
    userId: root.id,
    redirectUri,
    scopes: ['openid', 'latchkey:admin'],
    resources: [audience],
    sid,
    authTime: now,
    createdAt: now,
  });
  const exchanged = await fixture.app.inject({
    method: 'POST',
    url: '/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(tool.client.clientId, tool.secret ?? ''),
    },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      resource: audience,
    }).toString(),
  });
  assert.equal(exchanged.statusCode, 200, exchanged.body);
  const token = exchanged.json().access_token;
  const headers = { authorization: `Bearer ${token}` };
  assert.equal((await fixture.app.inject({ url: `${API}/users`, headers })).statusCode, 200);

  // The client it came through is disabled: its tokens stop at once; enabled again, they work.
  const { disableClient, enableClient } = await import('../../src/admin/index.js');
  await disableClient(stores, tool.client.clientId);
  fixture.clock.advance(fixture.config.clients.cacheTtl + 1);
  assert.equal((await fixture.app.inject({ url: `${API}/users`, headers })).statusCode, 401);
  await enableClient(stores, tool.client.clientId);
  fixture.clock.advance(fixture.config.clients.cacheTtl + 1);
  assert.equal((await fixture.app.inject({ url: `${API}/users`, headers })).statusCode, 200);

  // Ending the session is a logout: the grant goes, and with it the token's access.
  const ended = await fixture.app.inject({ method: 'DELETE', url: `${API}/users/root/sessions`, headers });
  assert.equal(ended.statusCode, 200, ended.body);
  assert.deepEqual(ended.json(), { ended: 1 });
  const after = await fixture.app.inject({ url: `${API}/users`, headers });
  assert.equal(after.statusCode, 401);
  assert.match(String(after.headers['www-authenticate']), /invalid_token/);
});
