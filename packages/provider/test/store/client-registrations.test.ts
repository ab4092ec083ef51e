import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { client, grant, NOW, openMigratedStores, refreshToken, twoInstances, user } from './fixtures.js';

const registration = (clientId: string, createdAt = NOW) => ({
  client: client({ clientId, createdAt, updatedAt: createdAt }),
  registrationTokenHash: `hash-of-${clientId}`,
  createdAt,
});

describeEachDialect('client registrations (RFC 7591/7592)', (ctx) => {
  test('a registration is stored with its client; a hand-registered client has none', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    await stores.clientRegistrations.create(registration('dyn'));
    await stores.clients.create(client({ clientId: 'manual' }));
    const found = await stores.clientRegistrations.get('dyn');
    assert.equal(found?.registrationTokenHash, 'hash-of-dyn');
    assert.equal(found?.client.origin, 'dynamic');
    assert.deepEqual(found?.client.redirectUris, client().redirectUris);
    assert.equal((await stores.clients.get('dyn'))?.clientId, 'dyn');
    assert.equal(await stores.clientRegistrations.get('manual'), undefined);
  });

  test('replaceClient and delete touch only dynamically registered clients', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    await stores.clientRegistrations.create(registration('dyn'));
    await stores.clients.create(client({ clientId: 'manual' }));
    assert.equal(
      await stores.clientRegistrations.replaceClient(client({ clientId: 'dyn', name: 'New' })),
      true,
    );
    assert.equal((await stores.clients.get('dyn'))?.name, 'New');
    assert.equal(
      await stores.clientRegistrations.replaceClient(client({ clientId: 'manual', name: 'X' })),
      false,
    );
    assert.equal((await stores.clients.get('manual'))?.name, client().name);
    assert.equal(await stores.clientRegistrations.delete('manual'), false);
    assert.ok(await stores.clients.get('manual'));
    assert.equal(await stores.clientRegistrations.delete('dyn'), true);
    assert.equal(await stores.clients.get('dyn'), undefined);
    assert.equal(await stores.clientRegistrations.get('dyn'), undefined);
  });

  test('L3: unused registrations expire; a recent grant or refresh token keeps a client', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    await stores.users.create(user());
    for (const id of ['idle', 'granted', 'refreshed', 'young']) {
      await stores.clientRegistrations.create(registration(id, id === 'young' ? NOW + 900 : NOW));
    }
    await stores.clients.create(client({ clientId: 'manual' }));
    await stores.grants.create(grant({ id: 'g-old', clientId: 'idle', createdAt: NOW + 10 }));
    await stores.grants.create(grant({ id: 'g-new', clientId: 'granted', createdAt: NOW + 600 }));
    await stores.grants.create(grant({ id: 'g-r', clientId: 'refreshed', createdAt: NOW + 10 }));
    await stores.refreshTokens.create(
      refreshToken({ tokenHash: 'rt-new', grantId: 'g-r', clientId: 'refreshed', createdAt: NOW + 700 }),
    );
    assert.equal(await stores.clientRegistrations.deleteUnusedSince(NOW + 500), 1);
    assert.equal(await stores.clients.get('idle'), undefined);
    for (const id of ['granted', 'refreshed', 'young', 'manual']) assert.ok(await stores.clients.get(id), id);
  });

  test('M3: an initial access token is good for one registration, before it expires', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    await stores.initialAccessTokens.create('iat-1', NOW, NOW + 60);
    await stores.initialAccessTokens.create('iat-2', NOW, NOW + 60);
    assert.equal(await stores.initialAccessTokens.consume('iat-1', NOW + 1), true);
    assert.equal(await stores.initialAccessTokens.consume('iat-1', NOW + 2), false);
    assert.equal(await stores.initialAccessTokens.consume('unknown', NOW + 2), false);
    assert.equal(await stores.initialAccessTokens.consume('iat-2', NOW + 60), false);
    assert.equal(await stores.initialAccessTokens.deleteExpired(NOW + 60), 2);
  });

  test('M3: ten registrations racing on one initial access token from two instances: exactly one wins', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.initialAccessTokens.create('iat', NOW, NOW + 60);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).initialAccessTokens.consume('iat', NOW + 1)),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });
});
