import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { StoreConflictError } from '../../src/store/types.js';
import { client, openMigratedStores } from './fixtures.js';

describeEachDialect('client store', (ctx) => {
  test('returns a created client exactly as it was given', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    const confidential = client();
    const withKeys = client({
      clientId: 'jwt-app',
      type: 'confidential',
      secretHash: null,
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1' }] },
      backchannelLogoutUri: 'https://jwt.example.com/logout',
    });
    const publicClient = client({
      clientId: 'spa',
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      jwksUri: 'https://spa.example.com/jwks.json',
      redirectUris: [],
      allowedResources: [],
    });
    for (const c of [confidential, withKeys, publicClient]) await clients.create(c);
    assert.deepEqual(await clients.get('app'), confidential);
    assert.deepEqual(await clients.get('jwt-app'), withKeys);
    assert.deepEqual(await clients.get('spa'), publicClient);
  });

  test('updates every field but the id, type and creation time, and says whether the client exists', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    await clients.create(client());
    const changed = client({
      name: 'Renamed',
      type: 'public',
      redirectUris: ['https://new.example.com/cb'],
      grantTypes: ['authorization_code'],
      scopes: ['openid'],
      allowedResources: [],
      backchannelLogoutUri: 'https://app.example.com/logout',
      disabled: true,
      previousSecret: { hash: 'old-hash', expiresAt: 1_800_086_400 },
      createdAt: 1,
      updatedAt: 1_800_000_100,
    });
    assert.equal(await clients.update(changed), true);
    assert.deepEqual(await clients.get('app'), {
      ...changed,
      type: 'confidential',
      createdAt: client().createdAt,
    });
    assert.equal(await clients.update(client({ clientId: 'nobody' })), false);
    assert.equal(await clients.get('nobody'), undefined);
  });

  test('keeps a client registered to always use DPoP (RFC 9449 §5.2)', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    const bound = client({ clientId: 'dpop-app', dpopBoundAccessTokens: true });
    await clients.create(bound);
    assert.deepEqual(await clients.get('dpop-app'), bound);
  });

  test('returns undefined for an unknown client id', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    assert.equal(await clients.get('nobody'), undefined);
  });

  test('lists every client ordered by client id', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    assert.deepEqual(await clients.list(), []);
    for (const clientId of ['b', 'c', 'a']) await clients.create(client({ clientId }));
    assert.deepEqual(
      (await clients.list()).map((c) => c.clientId),
      ['a', 'b', 'c'],
    );
  });

  test('refuses a second client with a taken client id, leaving the first unchanged', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    await clients.create(client());
    await assert.rejects(clients.create(client({ name: 'Impostor' })), (error: unknown) => {
      assert.ok(error instanceof StoreConflictError);
      assert.equal(error.entity, 'client');
      assert.equal(error.field, 'client_id');
      return true;
    });
    assert.equal((await clients.get('app'))?.name, 'The App');
  });

  test('deletes a client and says whether there was one', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    await clients.create(client());
    assert.equal(await clients.delete('app'), true);
    assert.equal(await clients.get('app'), undefined);
    assert.equal(await clients.delete('app'), false);
  });
});
