import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AdminActor,
  createClient,
  deleteClient,
  disableClient,
  enableClient,
  rotateClientSecret,
  type UpdateClientInput,
  updateClient,
} from '@latchkey/provider';
import { verifySharedSecret } from '../../src/client-auth/shared-secret.js';
import { createCachedClientStore } from '../../src/clients/cache.js';
import { endpointClients } from '../../src/clients/endpoint-view.js';
import { frozenClock, sqliteStores } from '../helpers/fixtures.js';

const ACTOR: AdminActor = { type: 'cli', id: 'operator' };
const web = { name: 'Web app', redirectUris: ['https://app.example.com/cb'], scopes: ['openid', 'profile'] };

async function withClient() {
  const clock = frozenClock();
  const stores = await sqliteStores();
  const options = { actor: ACTOR, now: clock.now };
  const created = await createClient(stores, { ...web, clientId: 'web' }, options);
  return { clock, stores, options, secret: created.secret! };
}

describe('admin: client update', () => {
  test('changes redirect URIs, grants, scopes and resources in place, audited with the fields and the actor', async () => {
    const { stores, options } = await withClient();
    const { client, changed } = await updateClient(
      stores,
      'web',
      {
        name: 'Web app (EU)',
        redirectUris: { add: ['https://eu.example.com/cb'], remove: ['https://app.example.com/cb'] },
        grantTypes: { add: ['refresh_token'] },
        scopes: { add: ['groups'] },
        allowedResources: { add: ['https://api.example.com'] },
        backchannelLogoutUri: 'https://eu.example.com/logout',
      },
      options,
    );
    assert.equal(client.clientId, 'web');
    assert.deepEqual(client.redirectUris, ['https://eu.example.com/cb']);
    assert.deepEqual(client.grantTypes, ['authorization_code', 'refresh_token']);
    assert.deepEqual(client.scopes, ['openid', 'profile', 'groups']);
    assert.deepEqual(await stores.clients.get('web'), client);
    assert.deepEqual([...changed].sort(), [
      'allowedResources',
      'backchannelLogoutUri',
      'grantTypes',
      'name',
      'redirectUris',
      'scopes',
    ]);
    const [event] = await stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.client.updated');
    assert.equal(event?.clientId, 'web');
    assert.deepEqual(event?.details?.actor, ACTOR);
    assert.deepEqual(event?.details?.changed, changed);
  });

  const refusals: { name: string; input: UpdateClientInput; field: RegExp }[] = [
    {
      name: 'removing the last redirect URI of a code client',
      input: { redirectUris: { remove: ['https://app.example.com/cb'] } },
      field: /^redirectUris$/,
    },
    {
      name: 'removing a redirect URI that is not there',
      input: { redirectUris: { remove: ['https://x.example/cb'] } },
      field: /^redirectUris$/,
    },
    {
      name: 'an http redirect URI to a public host',
      input: { redirectUris: { add: ['http://app.example.com/cb'] } },
      field: /^redirectUris\[1\]$/,
    },
    { name: 'an unknown grant', input: { grantTypes: { add: ['password'] } }, field: /^grantTypes\[1\]$/ },
    {
      name: 'client_credentials without a resource',
      input: { grantTypes: { add: ['client_credentials'] } },
      field: /^allowedResources$/,
    },
    {
      name: 'a resource with a fragment',
      input: { allowedResources: { add: ['https://api.example.com/#x'] } },
      field: /^allowedResources\[0\]$/,
    },
    { name: 'an empty name', input: { name: ' ' }, field: /^name$/ },
    {
      name: 'the none method for a confidential client',
      input: { tokenEndpointAuthMethod: 'none' },
      field: /^tokenEndpointAuthMethod$/,
    },
    {
      name: 'a plain-http back-channel logout URI',
      input: { backchannelLogoutUri: 'http://app.example.com/logout' },
      field: /^backchannelLogoutUri$/,
    },
  ];
  for (const c of refusals) {
    test(`refuses ${c.name}, naming the field, and changes nothing`, async () => {
      const { stores, options } = await withClient();
      const before = await stores.clients.get('web');
      await assert.rejects(updateClient(stores, 'web', c.input, options), (error: unknown) => {
        assert.equal((error as { code?: string }).code, 'ERR_INVALID_INPUT');
        assert.match(String((error as { field?: string }).field), c.field);
        return true;
      });
      assert.deepEqual(await stores.clients.get('web'), before);
      assert.equal((await stores.audit.list({ limit: 5, type: 'admin.client.updated' })).length, 0);
    });
  }

  test('refuses a name another client has in another letter case (names are unique)', async () => {
    const { stores, options } = await withClient();
    await createClient(stores, { ...web, name: 'Shop', clientId: 'shop' }, options);
    await assert.rejects(updateClient(stores, 'web', { name: 'SHOP' }, options), {
      code: 'ERR_CONFLICT',
      field: 'name',
    });
    await assert.rejects(createClient(stores, { ...web, name: 'web APP' }, options), {
      code: 'ERR_CONFLICT',
      field: 'name',
    });
  });

  test('changing nothing writes and audits nothing; an unknown client is ERR_NOT_FOUND', async () => {
    const { stores, options } = await withClient();
    const { changed } = await updateClient(
      stores,
      'web',
      { name: 'Web app', scopes: { add: ['openid'] } },
      options,
    );
    assert.deepEqual(changed, []);
    assert.equal((await stores.audit.list({ limit: 5, type: 'admin.client.updated' })).length, 0);
    await assert.rejects(updateClient(stores, 'nobody', { name: 'x' }, options), { code: 'ERR_NOT_FOUND' });
  });

  test('moving to a method without a secret drops it; moving back issues a new one, shown once', async () => {
    const { stores, options } = await withClient();
    const jwt = await updateClient(
      stores,
      'web',
      { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example.com/jwks' },
      options,
    );
    assert.equal(jwt.client.secretHash, null);
    assert.equal(jwt.secret, null);
    const back = await updateClient(
      stores,
      'web',
      { tokenEndpointAuthMethod: 'client_secret_post', jwksUri: null },
      options,
    );
    assert.ok(back.secret);
    assert.ok(verifySharedSecret(back.client, { clientId: 'web', secret: back.secret }));
  });
});

describe('admin: client secret rotation', () => {
  test('with --keep-old-for both secrets work during the overlap, and only the new one after it', async () => {
    const { clock, stores, options, secret: oldSecret } = await withClient();
    const rotated = await rotateClientSecret(stores, 'web', { keepOldFor: 3600 }, options);
    assert.notEqual(rotated.secret, oldSecret);
    assert.equal(rotated.oldSecretExpiresAt, clock.now() + 3600);
    const view = endpointClients(stores.clients, clock.now);
    const check = async (secret: string) =>
      verifySharedSecret(await view.get('web'), { clientId: 'web', secret });
    assert.equal(await check(rotated.secret), true);
    assert.equal(await check(oldSecret), true);
    assert.equal(await check('not-the-secret'), false);
    clock.advance(3600);
    assert.equal(await check(oldSecret), false, 'the old secret stops when the overlap ends');
    assert.equal(await check(rotated.secret), true);
    const stored = await stores.clients.get('web');
    assert.notEqual(stored?.previousSecret?.hash, oldSecret, 'the old secret is stored hashed');
    const [event] = await stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.client.secret_rotated');
    assert.ok(!JSON.stringify(event).includes(rotated.secret) && !JSON.stringify(event).includes(oldSecret));
  });

  test('without an overlap the old secret stops at once; a second rotation drops the first old secret', async () => {
    const { stores, options, clock, secret: first } = await withClient();
    const view = endpointClients(stores.clients, clock.now);
    const second = await rotateClientSecret(stores, 'web', { keepOldFor: 3600 }, options);
    const third = await rotateClientSecret(stores, 'web', {}, options);
    for (const old of [first, second.secret]) {
      assert.equal(verifySharedSecret(await view.get('web'), { clientId: 'web', secret: old }), false);
    }
    assert.equal(verifySharedSecret(await view.get('web'), { clientId: 'web', secret: third.secret }), true);
  });

  test('refuses a client without a secret and an overlap out of bounds', async () => {
    const { stores, options } = await withClient();
    await createClient(stores, { ...web, name: 'SPA', clientId: 'spa', public: true }, options);
    await assert.rejects(rotateClientSecret(stores, 'spa', {}, options), {
      code: 'ERR_INVALID_INPUT',
      field: 'clientId',
    });
    await assert.rejects(rotateClientSecret(stores, 'web', { keepOldFor: -1 }, options), {
      field: 'keepOldFor',
    });
    await assert.rejects(rotateClientSecret(stores, 'web', { keepOldFor: 90 * 86400 }, options), {
      field: 'keepOldFor',
    });
  });
});

describe('admin: client disable and enable', () => {
  test('a disabled client is unknown to endpoints at once through the cache, and known again once enabled', async () => {
    const { stores, options, clock, secret } = await withClient();
    const cache = createCachedClientStore(stores.clients, { ttl: 300, now: clock.now });
    const view = endpointClients(cache, clock.now);
    assert.ok(await view.get('web'), 'cached while enabled');
    const admin = { ...stores, clients: cache };
    assert.equal((await disableClient(admin, 'web', options)).changed, true);
    assert.equal(await view.get('web'), undefined, 'the cache entry was dropped');
    assert.equal((await stores.clients.get('web'))?.disabled, true, 'the admin layer still sees it');
    assert.equal(verifySharedSecret(await view.get('web'), { clientId: 'web', secret }), false);
    assert.equal((await disableClient(admin, 'web', options)).changed, false);
    await enableClient(admin, 'web', options);
    assert.equal((await view.get('web'))?.clientId, 'web');
    const types = (await stores.audit.list({ limit: 10 })).map((e) => e.type);
    assert.deepEqual(types.slice(0, 2), ['admin.client.enabled', 'admin.client.disabled']);
  });

  test('deleting is audited with the actor; deleting an unknown client is ERR_NOT_FOUND', async () => {
    const { stores, options } = await withClient();
    await deleteClient(stores, 'web', options);
    const [event] = await stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.client.deleted');
    assert.deepEqual(event?.details?.actor, ACTOR);
    await assert.rejects(deleteClient(stores, 'web', options), { code: 'ERR_NOT_FOUND' });
  });
});
