import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { StoreConflictError } from '../../src/store/types.js';
import {
  contended,
  lockRows,
  NOW,
  openStoresWithUserAndClient,
  session,
  twoInstances,
  user,
} from './fixtures.js';

const ALICE = user().id;

describeEachDialect('session store', (ctx) => {
  test('returns a created live session by its id hash exactly as it was given', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    const alice = session({ amr: ['pwd', 'otp'], acr: 'urn:latchkey:acr:mfa' });
    await sessions.create(alice);
    assert.deepEqual(await sessions.get(alice.idHash, NOW + 10), alice);
    assert.equal(await sessions.get('unknown-hash', NOW + 10), undefined);
  });

  test('does not return a session at or after its absolute end', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    const alice = session();
    await sessions.create(alice);
    assert.ok(await sessions.get(alice.idHash, alice.expiresAt - 1));
    assert.equal(await sessions.get(alice.idHash, alice.expiresAt), undefined);
    assert.equal(await sessions.get(alice.idHash, alice.expiresAt + 1), undefined);
  });

  test('does not return an ended session', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    const alice = session();
    await sessions.create(alice);
    await sessions.end(alice.idHash, NOW + 5);
    assert.equal(await sessions.get(alice.idHash, NOW + 6), undefined);
  });

  test('finds a session by sid, ended or not, for logout', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    const alice = session();
    await sessions.create(alice);
    assert.deepEqual(await sessions.getBySid(alice.sid), alice);
    await sessions.end(alice.idHash, NOW + 5);
    assert.deepEqual(await sessions.getBySid(alice.sid), { ...alice, endedAt: NOW + 5 });
    assert.equal(await sessions.getBySid('sid-unknown'), undefined);
  });

  test('touch moves lastSeenAt of a live session and says whether it found one', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    const alice = session();
    await sessions.create(alice);
    assert.equal(await sessions.touch(alice.idHash, NOW + 30), true);
    assert.equal((await sessions.get(alice.idHash, NOW + 31))?.lastSeenAt, NOW + 30);
    assert.equal(await sessions.touch(alice.idHash, alice.expiresAt), false);
    assert.equal(await sessions.touch('unknown-hash', NOW + 30), false);
    await sessions.end(alice.idHash, NOW + 40);
    assert.equal(await sessions.touch(alice.idHash, NOW + 50), false);
    assert.equal((await sessions.getBySid(alice.sid))?.lastSeenAt, NOW + 30);
  });

  test('end returns the session it ended, and nothing for an ended, expired or unknown one', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    const alice = session();
    const stale = session({ idHash: 'stale-hash', sid: 'sid-stale', expiresAt: NOW + 10 });
    await sessions.create(alice);
    await sessions.create(stale);
    assert.deepEqual(await sessions.end(alice.idHash, NOW + 5), { ...alice, endedAt: NOW + 5 });
    assert.equal(await sessions.end(alice.idHash, NOW + 6), undefined);
    assert.equal((await sessions.getBySid(alice.sid))?.endedAt, NOW + 5);
    assert.equal(await sessions.end(stale.idHash, NOW + 10), undefined);
    assert.equal(await sessions.end('unknown-hash', NOW + 5), undefined);
  });

  test("endAllForUser ends every live session of the user, counts them, and leaves others' alone", async (t) => {
    const { sessions, users } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await sessions.create(session({ idHash: 'a1', sid: 's-a1' }));
    await sessions.create(session({ idHash: 'a2', sid: 's-a2' }));
    await sessions.create(session({ idHash: 'a-ended', sid: 's-a3', endedAt: NOW }));
    await sessions.create(session({ idHash: 'a-expired', sid: 's-a4', expiresAt: NOW + 1 }));
    await sessions.create(session({ idHash: 'b1', sid: 's-b1', userId: 'u-bob' }));
    assert.equal(await sessions.endAllForUser(ALICE, NOW + 20), 2);
    assert.equal(await sessions.get('a1', NOW + 21), undefined);
    assert.equal(await sessions.get('a2', NOW + 21), undefined);
    assert.equal((await sessions.getBySid('s-a3'))?.endedAt, NOW);
    assert.ok(await sessions.get('b1', NOW + 21));
    assert.equal(await sessions.endAllForUser(ALICE, NOW + 30), 0);
  });

  test("listLiveByUser lists the user's live sessions, most recently used first, and no one else's", async (t) => {
    const { sessions, users } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await sessions.create(session({ idHash: 'a-old', sid: 's-old', lastSeenAt: NOW + 1 }));
    await sessions.create(session({ idHash: 'a-new', sid: 's-new', lastSeenAt: NOW + 9 }));
    await sessions.create(session({ idHash: 'a-ended', sid: 's-ended', endedAt: NOW + 2 }));
    await sessions.create(session({ idHash: 'a-expired', sid: 's-expired', expiresAt: NOW + 10 }));
    await sessions.create(session({ idHash: 'b1', sid: 's-b1', userId: 'u-bob' }));
    const live = await sessions.listLiveByUser(ALICE, NOW + 10);
    assert.deepEqual(
      live.map((s) => s.sid),
      ['s-new', 's-old'],
    );
    assert.deepEqual(await sessions.listLiveByUser('u-nobody', NOW + 10), []);
  });

  const conflicts = [
    { name: 'the same id hash', second: session({ sid: 'sid-other' }), field: 'id_hash' },
    { name: 'the same sid', second: session({ idHash: 'other-hash' }), field: 'sid' },
  ];
  for (const { name, second, field } of conflicts) {
    test(`refuses a session with ${name}, naming the ${field}`, async (t) => {
      const { sessions } = await openStoresWithUserAndClient(ctx, t);
      await sessions.create(session());
      await assert.rejects(sessions.create(second), (error: unknown) => {
        assert.ok(error instanceof StoreConflictError);
        assert.equal(error.entity, 'session');
        assert.equal(error.field, field);
        return true;
      });
    });
  }

  test('refuses a session for a user that does not exist', async (t) => {
    const { sessions } = await openStoresWithUserAndClient(ctx, t);
    await assert.rejects(sessions.create(session({ userId: 'u-nobody' })));
    assert.equal(await sessions.getBySid(session().sid), undefined);
  });

  test('deleting the user deletes their sessions', async (t) => {
    const stores = await openStoresWithUserAndClient(ctx, t);
    await stores.sessions.create(session());
    await sql`delete from users where id = ${ALICE}`.execute(stores.database.db);
    assert.equal(await stores.sessions.getBySid(session().sid), undefined);
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    test(`gives the session back to exactly one of two instances ending it at once${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.users.create(user());
      await one.sessions.create(session());
      const hold = lockRows('sessions', sql`sid = 'sid-1'`);
      const results = await contended(ctx, url, t, { hold, table: 'sessions', racers: 2 }, () =>
        Promise.all([
          one.sessions.end(session().idHash, NOW + 5),
          two.sessions.end(session().idHash, NOW + 6),
        ]),
      );
      assert.equal(results.filter((ended) => ended !== undefined).length, 1);
    });
  }
});
