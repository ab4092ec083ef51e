import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient, disableClient } from '@latchkey/provider';
import { CONSOLE_CLIENT_ID, syncConsoleClient } from '../../src/console/index.js';
import { sqliteStores } from '../helpers/fixtures.js';

describe("the console's client", () => {
  test('exists on every issuer, https included, as a public code + PKCE client redirecting to <issuer>/admin/callback', async () => {
    const stores = await sqliteStores();
    assert.equal(await syncConsoleClient(stores, 'https://id.example.com'), 'created');
    const client = await stores.clients.get(CONSOLE_CLIENT_ID);
    assert.equal(client?.type, 'public');
    assert.equal(client?.tokenEndpointAuthMethod, 'none');
    assert.equal(client?.secretHash, null);
    assert.deepEqual(client?.redirectUris, ['https://id.example.com/admin/callback']);
    assert.deepEqual(client?.grantTypes, ['authorization_code']);
    assert.equal(await syncConsoleClient(stores, 'https://id.example.com'), 'kept');
    assert.equal(await syncConsoleClient(stores, 'https://login.example.com/id'), 'updated');
    assert.deepEqual((await stores.clients.get(CONSOLE_CLIENT_ID))?.redirectUris, [
      'https://login.example.com/id/admin/callback',
    ]);
    await disableClient(stores, CONSOLE_CLIENT_ID);
    assert.equal(await syncConsoleClient(stores, 'https://login.example.com/id'), 'updated');
    assert.equal((await stores.clients.get(CONSOLE_CLIENT_ID))?.disabled, false, 'enabled again at start');
  });

  test("leaves alone an operator's own client that happens to use the id", async () => {
    const stores = await sqliteStores();
    await createClient(stores, {
      name: 'Our console',
      clientId: CONSOLE_CLIENT_ID,
      redirectUris: ['https://console.example.com/cb'],
    });
    assert.equal(await syncConsoleClient(stores, 'https://id.example.com'), 'foreign');
    assert.equal((await stores.clients.get(CONSOLE_CLIENT_ID))?.name, 'Our console');
  });

  test('instances starting at once on one database all start, and exactly one console client exists', async () => {
    const stores = await sqliteStores();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => syncConsoleClient(stores, 'https://id.example.com')),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String(r.reason)),
      [],
    );
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<string>).value);
    assert.equal(outcomes.filter((o) => o === 'created').length, 1, outcomes.join());
  });
});
