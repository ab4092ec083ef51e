import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import {
  client,
  contended,
  lockRows,
  NOW,
  openStoresWithUserAndClient,
  twoInstances,
  user,
} from './fixtures.js';

const ALICE = user().id;
const APP = client().clientId;

describeEachDialect('consent store', (ctx) => {
  test('returns nothing before a grant, and the scopes and time once granted', async (t) => {
    const { consents } = await openStoresWithUserAndClient(ctx, t);
    assert.equal(await consents.get(ALICE, APP), undefined);
    await consents.grant(ALICE, APP, ['openid', 'profile'], NOW);
    assert.deepEqual(await consents.get(ALICE, APP), {
      userId: ALICE,
      clientId: APP,
      scopes: ['openid', 'profile'],
      claims: [],
      grantedAt: NOW,
    });
  });

  test('adds the scopes of a later grant to those granted before, once each', async (t) => {
    const { consents } = await openStoresWithUserAndClient(ctx, t);
    await consents.grant(ALICE, APP, ['openid', 'profile', 'openid'], NOW);
    await consents.grant(ALICE, APP, ['email', 'openid'], NOW + 10);
    await consents.grant(ALICE, APP, ['profile'], NOW + 20);
    assert.deepEqual(await consents.get(ALICE, APP), {
      userId: ALICE,
      clientId: APP,
      scopes: ['openid', 'profile', 'email'],
      claims: [],
      grantedAt: NOW + 20,
    });
  });

  test('remembers claims consented to by name, and adds those of a later grant once each', async (t) => {
    const { consents } = await openStoresWithUserAndClient(ctx, t);
    await consents.grant(ALICE, APP, ['openid'], NOW, ['email']);
    await consents.grant(ALICE, APP, ['openid'], NOW + 10, ['phone_number', 'email']);
    await consents.grant(ALICE, APP, ['profile'], NOW + 20);
    const consent = await consents.get(ALICE, APP);
    assert.deepEqual(consent?.scopes, ['openid', 'profile']);
    assert.deepEqual(consent?.claims, ['email', 'phone_number']);
  });

  test('keeps consents of different users and clients apart', async (t) => {
    const { consents, users, clients } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await clients.create(client({ clientId: 'other-app' }));
    await consents.grant(ALICE, APP, ['openid'], NOW);
    await consents.grant('u-bob', APP, ['email'], NOW);
    await consents.grant(ALICE, 'other-app', ['profile'], NOW);
    assert.deepEqual((await consents.get(ALICE, APP))?.scopes, ['openid']);
    assert.deepEqual((await consents.get('u-bob', APP))?.scopes, ['email']);
    assert.deepEqual((await consents.get(ALICE, 'other-app'))?.scopes, ['profile']);
  });

  test('revoke forgets the consent and says whether there was one', async (t) => {
    const { consents } = await openStoresWithUserAndClient(ctx, t);
    await consents.grant(ALICE, APP, ['openid', 'email'], NOW);
    assert.equal(await consents.revoke(ALICE, APP), true);
    assert.equal(await consents.get(ALICE, APP), undefined);
    assert.equal(await consents.revoke(ALICE, APP), false);
    await consents.grant(ALICE, APP, ['openid'], NOW + 5);
    assert.deepEqual((await consents.get(ALICE, APP))?.scopes, ['openid']);
  });

  test('revokeAllForUser forgets every consent of one user and no one else', async (t) => {
    const { consents, users, clients } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await clients.create(client({ clientId: 'other-app' }));
    await consents.grant(ALICE, APP, ['openid'], NOW);
    await consents.grant(ALICE, 'other-app', ['openid'], NOW);
    await consents.grant('u-bob', APP, ['openid'], NOW);
    assert.equal(await consents.revokeAllForUser(ALICE), 2);
    assert.equal(await consents.get(ALICE, APP), undefined);
    assert.equal(await consents.get(ALICE, 'other-app'), undefined);
    assert.deepEqual((await consents.get('u-bob', APP))?.scopes, ['openid']);
  });

  test('refuses a consent for a user or client that does not exist', async (t) => {
    const { consents } = await openStoresWithUserAndClient(ctx, t);
    await assert.rejects(consents.grant('u-nobody', APP, ['openid'], NOW));
    await assert.rejects(consents.grant(ALICE, 'no-app', ['openid'], NOW));
  });

  test('deleting the user or the client deletes the consent', async (t) => {
    const stores = await openStoresWithUserAndClient(ctx, t);
    await stores.clients.create(client({ clientId: 'other-app' }));
    await stores.consents.grant(ALICE, APP, ['openid'], NOW);
    await stores.consents.grant(ALICE, 'other-app', ['openid'], NOW);
    await stores.clients.delete('other-app');
    assert.equal(await stores.consents.get(ALICE, 'other-app'), undefined);
    assert.ok(await stores.consents.get(ALICE, APP));
    await sql`delete from users where id = ${ALICE}`.execute(stores.database.db);
    assert.equal(await stores.consents.get(ALICE, APP), undefined);
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    test(`keeps the scopes of both of two instances granting at once${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.users.create(user());
      await one.clients.create(client());
      await one.consents.grant(ALICE, APP, ['openid'], NOW);
      // Both read ['openid'], then queue on the row: the second write must not overwrite the first.
      const hold = lockRows('consents', sql`user_id = ${ALICE}`);
      await contended(ctx, url, t, { hold, table: 'consents', racers: 2 }, () =>
        Promise.all([
          one.consents.grant(ALICE, APP, ['profile'], NOW + 1),
          two.consents.grant(ALICE, APP, ['email'], NOW + 1),
        ]),
      );
      assert.deepEqual([...((await one.consents.get(ALICE, APP))?.scopes ?? [])].sort(), [
        'email',
        'openid',
        'profile',
      ]);
    });
  }

  test('keeps the claims of both of two instances granting the same scopes with different claims at once', async (t) => {
    const { url, one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.clients.create(client());
    await one.consents.grant(ALICE, APP, ['openid'], NOW);
    // Same scopes text on both sides: only the claims differ, and neither write may drop the other's.
    const hold = lockRows('consents', sql`user_id = ${ALICE}`);
    await contended(ctx, url, t, { hold, table: 'consents', racers: 2 }, () =>
      Promise.all([
        one.consents.grant(ALICE, APP, ['openid'], NOW + 1, ['email']),
        two.consents.grant(ALICE, APP, ['openid'], NOW + 1, ['phone_number']),
      ]),
    );
    assert.deepEqual([...((await one.consents.get(ALICE, APP))?.claims ?? [])].sort(), [
      'email',
      'phone_number',
    ]);
  });

  test('keeps the scopes of both of two instances granting a first consent at once', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.clients.create(client());
    await Promise.all([
      one.consents.grant(ALICE, APP, ['profile'], NOW),
      two.consents.grant(ALICE, APP, ['email'], NOW),
    ]);
    assert.deepEqual([...((await one.consents.get(ALICE, APP))?.scopes ?? [])].sort(), ['email', 'profile']);
  });

  test("listByUser returns the user's consents, most recent first, and no one else's", async (t) => {
    const { consents, users, clients } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await clients.create(client({ clientId: 'other-app' }));
    await consents.grant(ALICE, APP, ['openid'], NOW);
    await consents.grant(ALICE, 'other-app', ['openid', 'email'], NOW + 5);
    await consents.grant('u-bob', APP, ['profile'], NOW + 9);
    assert.deepEqual(await consents.listByUser(ALICE), [
      { userId: ALICE, clientId: 'other-app', scopes: ['openid', 'email'], claims: [], grantedAt: NOW + 5 },
      { userId: ALICE, clientId: APP, scopes: ['openid'], claims: [], grantedAt: NOW },
    ]);
    assert.deepEqual(await consents.listByUser('u-nobody'), []);
  });
});
