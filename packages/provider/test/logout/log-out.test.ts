import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { silentLogger } from '../../src/lib/logger.js';
import type { BackChannelLogout, EndedSessionFacts } from '../../src/logout/back-channel.js';
import { createLogout } from '../../src/logout/log-out.js';
import type { ClientRecord } from '../../src/store/types.js';
import { sqliteStores } from '../helpers/fixtures.js';
import { client, grant, NOW, session, user } from '../store/fixtures.js';

async function setUp() {
  const stores = await sqliteStores();
  await stores.users.create(user());
  for (const id of ['app-a', 'app-b', 'app-c']) await stores.clients.create({ ...client(), clientId: id });
  await stores.sessions.create(session());
  await stores.sessions.create(session({ idHash: 'other-hash', sid: 'sid-2' }));
  await stores.grants.create(grant({ id: 'g-a', clientId: 'app-a' }));
  await stores.grants.create(grant({ id: 'g-a2', clientId: 'app-a' }));
  await stores.grants.create(grant({ id: 'g-b', clientId: 'app-b', revokedAt: NOW }));
  await stores.grants.create(grant({ id: 'g-c', clientId: 'app-c', sid: 'sid-2' }));
  const calls: { session: EndedSessionFacts; clients: string[] }[] = [];
  const backChannel: BackChannelLogout = {
    async notify(ended, clients: readonly ClientRecord[]) {
      calls.push({ session: ended, clients: clients.map((c) => c.clientId) });
      return clients.map((c) => ({ clientId: c.clientId, delivered: true, attempts: 1 }));
    },
  };
  const logout = createLogout({ stores, clock: () => NOW + 60, backChannel, logger: silentLogger });
  return { stores, calls, logout };
}

describe('logging a session out', () => {
  test('ends the session, revokes its live grants and tells each client that got tokens in it, once', async () => {
    const { stores, calls, logout } = await setUp();
    const ended = await logout.endSession(session().idHash, { clientId: 'app-a', ip: '10.0.0.1' });
    assert.ok(ended);
    assert.equal(ended.grantsRevoked, 2);
    assert.equal(ended.session.sid, 'sid-1');
    assert.equal((await ended.notified).length, 2);
    assert.equal((await stores.sessions.getBySid('sid-1'))?.endedAt, NOW + 60);
    assert.equal((await stores.grants.get('g-a'))?.revokedAt, NOW + 60);
    assert.equal((await stores.grants.get('g-b'))?.revokedAt, NOW, 'an earlier revocation stays');
    assert.equal((await stores.grants.get('g-c'))?.revokedAt, null, 'another session is untouched');
    assert.equal((await stores.sessions.getBySid('sid-2'))?.endedAt, null);
    // app-b's grant was revoked earlier, but its RP may still hold a session from this sign-in.
    assert.deepEqual(calls, [{ session: { sid: 'sid-1', userId: user().id }, clients: ['app-a', 'app-b'] }]);
    const [event] = await stores.audit.list({ limit: 1, type: 'session.logout' });
    assert.equal(event?.ip, '10.0.0.1');
    assert.deepEqual(event?.details, { grantsRevoked: 2, clients: ['app-a', 'app-b'] });
  });

  test('a session already ended (or never live) changes nothing and notifies nobody', async () => {
    const { calls, logout } = await setUp();
    await logout.endSession(session().idHash);
    assert.equal(await logout.endSession(session().idHash), undefined);
    assert.equal(await logout.endSession('unknown-hash'), undefined);
    assert.equal(calls.length, 1);
  });

  test('a failing back channel never makes the logout fail', async () => {
    const stores = await sqliteStores();
    await stores.users.create(user());
    await stores.sessions.create(session());
    const logout = createLogout({
      stores,
      clock: () => NOW + 1,
      backChannel: { notify: () => Promise.reject(new Error('boom')) },
      logger: silentLogger,
    });
    const ended = await logout.endSession(session().idHash);
    assert.deepEqual(await ended?.notified, []);
  });
});
