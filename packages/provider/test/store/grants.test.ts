import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { StoreConflictError } from '../../src/store/types.js';
import { grant, NOW, openMigratedStores, refreshToken } from './fixtures.js';

describeEachDialect('grant store', (ctx) => {
  test('returns a created grant exactly as it was given', async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    const ofUser = grant();
    const ofClient = grant({ id: 'g-cc', userId: null, sid: null, scopes: ['api:read'] });
    await grants.create(ofUser);
    await grants.create(ofClient);
    assert.deepEqual(await grants.get('g-1'), ofUser);
    assert.deepEqual(await grants.get('g-cc'), ofClient);
    assert.equal(await grants.get('g-unknown'), undefined);
  });

  test('refuses a grant whose id is taken', async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    await grants.create(grant());
    await assert.rejects(
      grants.create(grant({ scopes: ['openid'] })),
      (error: unknown) =>
        error instanceof StoreConflictError && error.entity === 'grant' && error.field === 'id',
    );
  });

  test('revokes a live grant once: true the first time, false after, and for an unknown id', async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    await grants.create(grant());
    assert.equal(await grants.revoke('g-1', NOW + 5), true);
    assert.equal(await grants.revoke('g-1', NOW + 9), false);
    assert.equal((await grants.get('g-1'))?.revokedAt, NOW + 5);
    assert.equal(await grants.revoke('g-unknown', NOW + 5), false);
  });

  test('revokeBySid revokes the live grants of one session and counts them', async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    await grants.create(grant({ id: 'g-a' }));
    await grants.create(grant({ id: 'g-b', clientId: 'other-app' }));
    await grants.create(grant({ id: 'g-revoked', revokedAt: NOW }));
    await grants.create(grant({ id: 'g-other-session', sid: 'sid-2' }));
    assert.equal(await grants.revokeBySid('sid-1', NOW + 5), 2);
    assert.equal((await grants.get('g-a'))?.revokedAt, NOW + 5);
    assert.equal((await grants.get('g-b'))?.revokedAt, NOW + 5);
    assert.equal((await grants.get('g-revoked'))?.revokedAt, NOW);
    assert.equal((await grants.get('g-other-session'))?.revokedAt, null);
    assert.equal(await grants.revokeBySid('sid-1', NOW + 6), 0);
  });

  test("revokeByUser revokes the user's live grants across sessions and counts them", async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    await grants.create(grant({ id: 'g-a' }));
    await grants.create(grant({ id: 'g-b', sid: 'sid-2' }));
    await grants.create(grant({ id: 'g-revoked', revokedAt: NOW }));
    await grants.create(grant({ id: 'g-bob', userId: 'u-bob' }));
    await grants.create(grant({ id: 'g-client', userId: null, sid: null }));
    assert.equal(await grants.revokeByUser(grant().userId ?? '', NOW + 5), 2);
    assert.equal((await grants.get('g-bob'))?.revokedAt, null);
    assert.equal((await grants.get('g-client'))?.revokedAt, null);
    assert.equal(await grants.revokeByUser(grant().userId ?? '', NOW + 6), 0);
  });

  test('revokeByUserAndClient revokes only the live grants one user gave one client', async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    const alice = grant().userId ?? '';
    const app = grant().clientId;
    await grants.create(grant({ id: 'g-1' }));
    await grants.create(grant({ id: 'g-2', sid: 'sid-2' }));
    await grants.create(grant({ id: 'g-revoked', revokedAt: NOW }));
    await grants.create(grant({ id: 'g-other-client', clientId: 'other-app' }));
    await grants.create(grant({ id: 'g-bob', userId: 'u-bob' }));
    assert.equal(await grants.revokeByUserAndClient(alice, app, NOW + 5), 2);
    assert.equal((await grants.get('g-1'))?.revokedAt, NOW + 5);
    assert.equal((await grants.get('g-revoked'))?.revokedAt, NOW);
    assert.equal((await grants.get('g-other-client'))?.revokedAt, null);
    assert.equal((await grants.get('g-bob'))?.revokedAt, null);
    assert.equal(await grants.revokeByUserAndClient(alice, app, NOW + 6), 0);
  });

  test('listBySid returns every grant of one session, revoked ones too, oldest first', async (t) => {
    const { grants } = await openMigratedStores(ctx, t);
    await grants.create(grant({ id: 'g-late', createdAt: NOW + 10 }));
    await grants.create(grant({ id: 'g-early', clientId: 'other-app', revokedAt: NOW + 1 }));
    await grants.create(grant({ id: 'g-other-session', sid: 'sid-2' }));
    await grants.create(grant({ id: 'g-client', userId: null, sid: null }));
    const listed = await grants.listBySid('sid-1');
    assert.deepEqual(
      listed.map((g) => g.id),
      ['g-early', 'g-late'],
    );
    assert.deepEqual(listed[0], grant({ id: 'g-early', clientId: 'other-app', revokedAt: NOW + 1 }));
    assert.deepEqual(await grants.listBySid('sid-unknown'), []);
  });

  test('listLiveByUser lists one user’s live grants with their last use (creation or the newest refresh token), most recent first', async (t) => {
    const { grants, refreshTokens } = await openMigratedStores(ctx, t);
    const alice = grant().userId ?? '';
    await grants.create(grant({ id: 'g-plain', createdAt: NOW + 30 }));
    await grants.create(grant({ id: 'g-refreshed', clientId: 'agent', createdAt: NOW }));
    await grants.create(grant({ id: 'g-revoked', revokedAt: NOW + 1 }));
    await grants.create(grant({ id: 'g-bob', userId: 'u-bob' }));
    await refreshTokens.create(
      refreshToken({ tokenHash: 'rt-1', grantId: 'g-refreshed', clientId: 'agent' }),
    );
    await refreshTokens.rotate(
      'rt-1',
      NOW + 100,
      refreshToken({ tokenHash: 'rt-2', grantId: 'g-refreshed', clientId: 'agent', createdAt: NOW + 100 }),
    );
    const live = await grants.listLiveByUser(alice);
    assert.deepEqual(
      live.map((g) => [g.id, g.lastUsedAt]),
      [
        ['g-refreshed', NOW + 100],
        ['g-plain', NOW + 30],
      ],
    );
    assert.deepEqual(live[1], { ...grant({ id: 'g-plain', createdAt: NOW + 30 }), lastUsedAt: NOW + 30 });
    assert.deepEqual(await grants.listLiveByUser('u-nobody'), []);
  });
});
