import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { sqliteStores } from '../helpers/fixtures.js';
import { API, adminApiFixture } from './fixture.js';

test('N3: of many admins sending the same If-Match at once, exactly one change is written; the others get 412', async () => {
  // A client write that takes a moment, as over a network to PostgreSQL: the other requests' checks
  // would run while it is in flight if nothing kept a check and its write together.
  const stores = await sqliteStores();
  const update = stores.clients.update.bind(stores.clients);
  const clients = {
    ...stores.clients,
    update: async (client: Parameters<typeof update>[0]) => {
      await delay(20);
      return update(client);
    },
  };
  const fixture = await adminApiFixture({ stores: { ...stores, clients } });
  const token = await fixture.userToken(fixture.root.id);
  const headers = { authorization: `Bearer ${token}` };
  const read = await fixture.app.inject({ url: `${API}/clients/admin-robot`, headers });
  const tag = String(read.headers.etag);
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      fixture.app.inject({
        method: 'PATCH',
        url: `${API}/clients/admin-robot`,
        headers: { ...headers, 'if-match': tag },
        payload: { name: `Robot ${i}` },
      }),
    ),
  );
  const statuses = answers.map((a) => a.statusCode).sort();
  assert.deepEqual(statuses, [200, ...Array(11).fill(412)]);
  const updates = await fixture.stores.audit.list({ limit: 50, type: 'admin.client.updated' });
  assert.equal(updates.length, 1);
});

test('the admin API rate limit per token subject lets at most the configured requests through at once', async () => {
  const fixture = await adminApiFixture({ overrides: { adminApi: { requestsPerMinute: 5 } } });
  const token = await fixture.userToken(fixture.root.id);
  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      fixture.app.inject({ url: `${API}/users`, headers: { authorization: `Bearer ${token}` } }),
    ),
  );
  const passed = answers.filter((a) => a.statusCode === 200).length;
  const limited = answers.filter((a) => a.statusCode === 429);
  assert.equal(passed, 5);
  assert.equal(limited.length, 15);
  assert.ok(Number(limited[0]?.headers['retry-after']) >= 1);
  // Another subject has its own budget.
  const other = await fixture.serviceToken();
  const answer = await fixture.app.inject({
    url: `${API}/users`,
    headers: { authorization: `Bearer ${other}` },
  });
  assert.equal(answer.statusCode, 200);
});
