import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCachedClientStore } from '../../src/clients/cache.js';
import type { ClientRecord, ClientStore } from '../../src/store/types.js';
import { frozenClock } from '../helpers/fixtures.js';

function record(clientId: string, name = clientId): ClientRecord {
  return {
    clientId,
    name,
    type: 'confidential',
    secretHash: null,
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials'],
    scopes: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSignedResponseAlg: 'RS256',
    jwks: null,
    jwksUri: null,
    allowedResources: [],
    backchannelLogoutUri: null,
    disabled: false,
    previousSecret: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** An in-memory ClientStore that counts reads. */
function countingStore(initial: ClientRecord[] = []) {
  const rows = new Map(initial.map((c) => [c.clientId, c]));
  const counts = { get: 0 };
  let gate: Promise<void> | undefined;
  const store: ClientStore = {
    async create(client) {
      rows.set(client.clientId, client);
    },
    async get(clientId) {
      counts.get++;
      const value = rows.get(clientId);
      if (gate) await gate;
      return value;
    },
    async list() {
      return [...rows.values()];
    },
    async page({ limit }) {
      return { items: [...rows.values()].slice(0, limit), next: null };
    },
    async count() {
      return rows.size;
    },
    async update(client) {
      if (!rows.has(client.clientId)) return false;
      rows.set(client.clientId, client);
      return true;
    },
    async delete(clientId) {
      return rows.delete(clientId);
    },
  };
  return { store, rows, counts, hold: (p: Promise<void>) => (gate = p), release: () => (gate = undefined) };
}

test('serves a client from memory until the TTL passes, then reads it again', async () => {
  const clock = frozenClock();
  const backing = countingStore([record('a')]);
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now });
  assert.equal((await cache.get('a'))?.clientId, 'a');
  clock.advance(29);
  await cache.get('a');
  assert.equal(backing.counts.get, 1);
  clock.advance(1);
  await cache.get('a');
  assert.equal(backing.counts.get, 2);
});

test('a client changed elsewhere is seen after the TTL, or at once after invalidate', async () => {
  const clock = frozenClock();
  const backing = countingStore([record('a', 'old')]);
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now });
  await cache.get('a');
  backing.rows.set('a', record('a', 'new'));
  assert.equal((await cache.get('a'))?.name, 'old');
  cache.invalidate('a');
  assert.equal((await cache.get('a'))?.name, 'new');
});

test('deleting through the cache forgets the client at once', async () => {
  const clock = frozenClock();
  const backing = countingStore([record('a')]);
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now });
  await cache.get('a');
  assert.equal(await cache.delete('a'), true);
  assert.equal(await cache.get('a'), undefined);
});

test('unknown clients are not cached, so a client created elsewhere works at once', async () => {
  const clock = frozenClock();
  const backing = countingStore();
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now });
  assert.equal(await cache.get('b'), undefined);
  backing.rows.set('b', record('b'));
  assert.equal((await cache.get('b'))?.clientId, 'b');
});

test('concurrent reads of one client share one database query', async () => {
  const clock = frozenClock();
  const backing = countingStore([record('a')]);
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now });
  let open!: () => void;
  backing.hold(new Promise<void>((resolve) => (open = resolve)));
  const reads = Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]);
  open();
  assert.deepEqual(
    (await reads).map((c) => c?.clientId),
    ['a', 'a', 'a'],
  );
  assert.equal(backing.counts.get, 1);
});

test('a read that started before an invalidation does not put the old record back', async () => {
  const clock = frozenClock();
  const backing = countingStore([record('a', 'old')]);
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now });
  let open!: () => void;
  backing.hold(new Promise<void>((resolve) => (open = resolve)));
  const stale = cache.get('a');
  backing.rows.set('a', record('a', 'new'));
  cache.invalidate('a');
  open();
  await stale;
  backing.release();
  assert.equal((await cache.get('a'))?.name, 'new');
});

test('keeps at most maxEntries clients, dropping the oldest', async () => {
  const clock = frozenClock();
  const backing = countingStore([record('a'), record('b'), record('c')]);
  const cache = createCachedClientStore(backing.store, { ttl: 30, now: clock.now, maxEntries: 2 });
  await cache.get('a');
  await cache.get('b');
  await cache.get('c');
  assert.equal(backing.counts.get, 3);
  await cache.get('c');
  await cache.get('b');
  assert.equal(backing.counts.get, 3);
  await cache.get('a');
  assert.equal(backing.counts.get, 4);
});
