import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { recordSession } from '../helpers/authorization.js';
import { API, adminApiFixture } from './fixture.js';

test('ending a session by sid is limited to that user’s sessions, and revokes the grants made in it', async () => {
  const fixture = await adminApiFixture();
  const { stores, clock } = fixture;
  const headers = { authorization: `Bearer ${await fixture.userToken(fixture.root.id)}` };
  const carol = await stores.users.getByUsername('carol');
  assert.ok(carol);
  const now = clock.now();
  const sid = await recordSession(stores.sessions, { userId: carol.id, authTime: now, now });
  const grantId = randomUUID();
  await stores.grants.create({
    id: grantId,
    clientId: 'admin-console',
    userId: carol.id,
    scopes: ['openid'],
    resources: [],
    sid,
    createdAt: now,
    revokedAt: null,
  });
  const listed = await fixture.app.inject({ url: `${API}/users/carol/sessions`, headers });
  assert.deepEqual(
    listed.json().items.map((s: { sid: string }) => s.sid),
    [sid],
  );
  assert.ok(!listed.body.includes('idHash'), 'the cookie hash is never shown');

  const elsewhere = await fixture.app.inject({
    method: 'DELETE',
    url: `${API}/users/bob/sessions/${sid}`,
    headers,
  });
  assert.equal(elsewhere.statusCode, 404);
  assert.equal((await stores.sessions.listLiveByUser(carol.id, now)).length, 1);

  const ended = await fixture.app.inject({
    method: 'DELETE',
    url: `${API}/users/carol/sessions/${sid}`,
    headers,
  });
  assert.equal(ended.statusCode, 204, ended.body);
  assert.equal((await stores.sessions.listLiveByUser(carol.id, now)).length, 0);
  assert.notEqual((await stores.grants.get(grantId))?.revokedAt, null);
  const [event] = await stores.audit.list({ limit: 1, type: 'admin.session.ended' });
  assert.deepEqual(event?.details?.['actor'], { type: 'admin-api', id: fixture.root.id });
  const again = await fixture.app.inject({
    method: 'DELETE',
    url: `${API}/users/carol/sessions/${sid}`,
    headers,
  });
  assert.equal(again.statusCode, 404);
});

test('revoking a consent removes it and revokes the grants; with nothing to revoke it is 404', async () => {
  const fixture = await adminApiFixture();
  const { stores, clock } = fixture;
  const headers = { authorization: `Bearer ${await fixture.userToken(fixture.root.id)}` };
  const url = `${API}/users/bob/consents/admin-console`;
  assert.equal((await fixture.app.inject({ method: 'DELETE', url, headers })).statusCode, 404);
  await stores.consents.grant(fixture.bob.id, 'admin-console', ['openid', 'email'], clock.now());
  const grantId = randomUUID();
  await stores.grants.create({
    id: grantId,
    clientId: 'admin-console',
    userId: fixture.bob.id,
    scopes: ['openid', 'email'],
    resources: [],
    sid: null,
    createdAt: clock.now(),
    revokedAt: null,
  });
  const listed = await fixture.app.inject({ url: `${API}/users/bob/consents`, headers });
  assert.deepEqual(listed.json().items, [
    { clientId: 'admin-console', scopes: ['openid', 'email'], claims: [], grantedAt: clock.now() },
  ]);
  const revoked = await fixture.app.inject({ method: 'DELETE', url, headers });
  assert.equal(revoked.statusCode, 204, revoked.body);
  assert.equal(await stores.consents.get(fixture.bob.id, 'admin-console'), undefined);
  assert.notEqual((await stores.grants.get(grantId))?.revokedAt, null);
  const [event] = await stores.audit.list({ limit: 1, type: 'admin.consent.revoked' });
  assert.deepEqual(event?.details, { actor: { type: 'admin-api', id: fixture.root.id }, grantsRevoked: 1 });
});
