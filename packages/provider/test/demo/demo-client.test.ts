import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import { DEMO_CLIENT_ID, syncDemoClient } from '../../src/demo/client.js';
import { createPendingSealer, PENDING_LIFETIME } from '../../src/relying-party/pending.js';
import { sqliteStores } from '../helpers/fixtures.js';

describe('the demo client', () => {
  test('is created on a development issuer as a public client redirecting to <issuer>/demo/callback', async () => {
    const stores = await sqliteStores();
    assert.equal(await syncDemoClient(stores, 'http://localhost:8080'), 'created');
    const client = await stores.clients.get(DEMO_CLIENT_ID);
    assert.equal(client?.type, 'public');
    assert.equal(client?.tokenEndpointAuthMethod, 'none');
    assert.deepEqual(client?.redirectUris, ['http://localhost:8080/demo/callback']);
    assert.deepEqual(client?.grantTypes, ['authorization_code']);
    assert.equal(await syncDemoClient(stores, 'http://localhost:8080'), 'kept');
  });

  test('follows the development issuer to another port', async () => {
    const stores = await sqliteStores();
    await syncDemoClient(stores, 'http://localhost:8080');
    assert.equal(await syncDemoClient(stores, 'http://localhost:18700'), 'updated');
    assert.deepEqual((await stores.clients.get(DEMO_CLIENT_ID))?.redirectUris, [
      'http://localhost:18700/demo/callback',
    ]);
  });

  test('does not exist on a production issuer, and one left by a development run is removed', async () => {
    const stores = await sqliteStores();
    assert.equal(await syncDemoClient(stores, 'https://id.example.com'), 'absent');
    assert.equal(await stores.clients.get(DEMO_CLIENT_ID), undefined);
    await syncDemoClient(stores, 'http://localhost:8080');
    assert.equal(await syncDemoClient(stores, 'https://id.example.com'), 'removed');
    assert.equal(await stores.clients.get(DEMO_CLIENT_ID), undefined);
  });

  test('instances starting at once on one database all start, and exactly one demo client exists', async () => {
    const stores = await sqliteStores();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => syncDemoClient(stores, 'http://localhost:8080')),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String(r.reason)),
      [],
    );
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<string>).value);
    assert.equal(outcomes.filter((o) => o === 'created').length, 1, outcomes.join());
    assert.equal((await stores.clients.list()).filter((c) => c.clientId === DEMO_CLIENT_ID).length, 1);
  });

  test("leaves alone an operator's own client that happens to use the id", async () => {
    const stores = await sqliteStores();
    await createClient(stores, {
      name: 'Our demo app',
      clientId: DEMO_CLIENT_ID,
      redirectUris: ['https://demo.example.com/cb'],
    });
    assert.equal(await syncDemoClient(stores, 'https://id.example.com'), 'foreign');
    assert.equal(await syncDemoClient(stores, 'http://localhost:8080'), 'foreign');
    assert.equal((await stores.clients.get(DEMO_CLIENT_ID))?.name, 'Our demo app');
  });
});

describe("the demo's pending sign-in cookie", () => {
  const secret = randomBytes(32);
  const sealer = createPendingSealer(secret, randomBytes);
  const pending = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeVerifier: 'v'.repeat(43) };

  test('opens to what was sealed, until it expires', () => {
    const sealed = sealer.seal(pending, 1000);
    assert.match(sealed, /^[A-Za-z0-9_-]{1,512}$/, 'fits the cookie reader');
    assert.deepEqual(sealer.open(sealed, 1000 + PENDING_LIFETIME - 1), pending);
    assert.equal(sealer.open(sealed, 1000 + PENDING_LIFETIME), undefined);
  });

  test('does not open when changed, sealed under another secret, absent or oversized', () => {
    const sealed = sealer.seal(pending, 1000);
    const flipped = (sealed[20] === 'A' ? 'B' : 'A') + '';
    assert.equal(sealer.open(sealed.slice(0, 20) + flipped + sealed.slice(21), 1000), undefined);
    assert.equal(createPendingSealer(randomBytes(32), randomBytes).open(sealed, 1000), undefined);
    assert.equal(sealer.open(undefined, 1000), undefined);
    assert.equal(sealer.open('A'.repeat(600), 1000), undefined);
  });
});
