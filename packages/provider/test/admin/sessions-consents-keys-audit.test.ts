import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AdminActor,
  AdminError,
  adminUserById,
  createClient,
  createKeyManager,
  createUser,
  disableUser,
  endUserSession,
  listAuditEvents,
  listUserConsents,
  listUserSessions,
  revokeUserConsent,
  rotateSigningKeys,
} from '@latchkey/provider';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

const ACTOR: AdminActor = { type: 'console', id: 'u-admin' };

async function withUsers() {
  const clock = frozenClock();
  const stores = await sqliteStores();
  const options = { actor: ACTOR, now: clock.now };
  const alice = await createUser(stores, { username: 'alice' }, options);
  const bob = await createUser(stores, { username: 'bob', admin: true }, options);
  const session = (userId: string, sid: string) =>
    stores.sessions.create({
      idHash: `hash-${sid}`,
      sid,
      userId,
      authTime: clock.now(),
      amr: ['pwd'],
      acr: null,
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
      expiresAt: clock.now() + 3600,
      endedAt: null,
    });
  return { clock, stores, options, alice, bob, session };
}

/** A logout that records which sessions it was asked to end (the real one revokes grants and notifies). */
function recordingLogout() {
  const ended: string[] = [];
  return {
    ended,
    logout: {
      async endSession(idHash: string) {
        ended.push(idHash);
        return { session: {} as never, grantsRevoked: 0, notified: Promise.resolve([]) };
      },
    },
  };
}

const isCode = (code: string) => (error: unknown) => error instanceof AdminError && error.code === code;

describe("a user's sessions and consents", () => {
  test('ends one live session of the user through the given logout, audited with the actor', async () => {
    const { stores, options, alice, session } = await withUsers();
    await session(alice.id, 'sid-alice');
    assert.deepEqual(
      (await listUserSessions(stores, 'alice', options)).map((s) => s.sid),
      ['sid-alice'],
    );
    const { ended, logout } = recordingLogout();
    await endUserSession({ ...stores, logout }, 'alice', 'sid-alice', options);
    assert.deepEqual(ended, ['hash-sid-alice']);
    const [event] = await stores.audit.list({ limit: 1, type: 'admin.session.ended' });
    assert.equal(event?.userId, alice.id);
    assert.deepEqual(event?.details, { actor: ACTOR, sid: 'sid-alice', grantsRevoked: 0 });
  });

  test("refuses another user's session, an unknown sid and an empty one, and ends nothing", async () => {
    const { stores, options, bob, session } = await withUsers();
    await session(bob.id, 'sid-bob');
    const { ended, logout } = recordingLogout();
    for (const sid of ['sid-bob', 'no-such-sid', '']) {
      await assert.rejects(
        endUserSession({ ...stores, logout }, 'alice', sid, options),
        isCode('ERR_NOT_FOUND'),
      );
    }
    assert.deepEqual(ended, []);
  });

  test('revokes a consent (audited) and refuses one that was never given', async () => {
    const { stores, options, alice, clock } = await withUsers();
    await createClient(stores, {
      name: 'Some app',
      clientId: 'some-app',
      redirectUris: ['https://app.example.com/cb'],
    });
    await stores.consents.grant(alice.id, 'some-app', ['openid'], clock.now());
    assert.equal((await listUserConsents(stores, 'alice')).length, 1);
    assert.deepEqual(await revokeUserConsent(stores, 'alice', 'some-app', options), { grantsRevoked: 0 });
    assert.equal(await stores.consents.get(alice.id, 'some-app'), undefined);
    await assert.rejects(revokeUserConsent(stores, 'alice', 'some-app', options), isCode('ERR_NOT_FOUND'));
    await assert.rejects(revokeUserConsent(stores, 'alice', '', options), isCode('ERR_NOT_FOUND'));
    assert.equal((await stores.audit.list({ limit: 10, type: 'admin.consent.revoked' })).length, 1);
  });

  test('an administrator is a live, enabled member of latchkey-admins', async () => {
    const { stores, options, alice, bob } = await withUsers();
    assert.equal((await adminUserById(stores, bob.id)).admin, true);
    assert.equal((await adminUserById(stores, alice.id)).admin, false);
    assert.equal((await adminUserById(stores, 'nobody')).user, undefined);
    await disableUser(stores, 'bob', options);
    assert.deepEqual(await adminUserById(stores, bob.id), { user: undefined, admin: false });
  });
});

describe('signing keys', () => {
  test('a rotation the pre-publication guard refuses changes and audits nothing; a forced one is audited', async () => {
    const clock = frozenClock();
    const stores = await sqliteStores();
    const keys = createKeyManager({ config: testConfig(), stores, now: clock.now, secret: TEST_SECRET });
    await keys.start();
    try {
      const before = JSON.stringify(await keys.list());
      await assert.rejects(
        rotateSigningKeys({ keys, audit: stores.audit }, {}, { actor: ACTOR, now: clock.now }),
        isCode('ERR_CONFLICT'),
      );
      assert.equal(JSON.stringify(await keys.list()), before);
      assert.deepEqual(await stores.audit.list({ limit: 5, type: 'admin.keys.rotated' }), []);
      const result = await rotateSigningKeys(
        { keys, audit: stores.audit },
        { ignorePublicationDelay: true },
        { actor: ACTOR, now: clock.now },
      );
      assert.ok(result.reasons.length > 0);
      const [event] = await stores.audit.list({ limit: 1, type: 'admin.keys.rotated' });
      assert.deepEqual(event?.details?.['actor'], ACTOR);
      assert.equal(event?.details?.['ignorePublicationDelay'], true);
    } finally {
      await keys.stop();
    }
  });
});

const listAuditItems = async (...args: Parameters<typeof listAuditEvents>) =>
  (await listAuditEvents(...args)).items;

describe('the audit log', () => {
  test('filters by type, type prefix, user, client and time, newest first, within the limit', async () => {
    const stores = await sqliteStores();
    const rows = [
      { type: 'sign_in.success', at: 100, userId: 'u1', clientId: 'a' },
      { type: 'sign_in.failure', at: 200, userId: 'u2', clientId: 'a' },
      { type: 'admin.client.created', at: 300, clientId: 'b' },
      { type: 'sign_in.success', at: 400, userId: 'u1', clientId: 'b' },
    ];
    for (const row of rows) await stores.audit.append(row);
    const types = (events: readonly { type: string; at: number }[]) => events.map((e) => `${e.type}@${e.at}`);
    assert.deepEqual(types(await listAuditItems(stores, { type: 'sign_in.success' })), [
      'sign_in.success@400',
      'sign_in.success@100',
    ]);
    assert.deepEqual(types(await listAuditItems(stores, { typePrefix: 'sign_in.' })), [
      'sign_in.success@400',
      'sign_in.failure@200',
      'sign_in.success@100',
    ]);
    assert.deepEqual(types(await listAuditItems(stores, { clientId: 'a' })), [
      'sign_in.failure@200',
      'sign_in.success@100',
    ]);
    assert.deepEqual(types(await listAuditItems(stores, { userId: 'u1', since: 100, until: 399 })), [
      'sign_in.success@100',
    ]);
    assert.deepEqual(types(await listAuditItems(stores, { limit: 1 })), ['sign_in.success@400']);
  });
});
