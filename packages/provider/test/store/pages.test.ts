import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { MAX_PAGE_LIMIT } from '../../src/store/lib/page.js';
import { client, NOW, openMigratedStores, user } from './fixtures.js';

/** Every page from the first, following `next`: what an admin list does. */
async function allPages<T>(
  page: (after: string | undefined) => Promise<{ items: T[]; next: string | null }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  for (;;) {
    const { items, next } = await page(after);
    pages.push(items);
    if (next === null) return pages;
    after = next;
  }
}

describeEachDialect('admin list pages', (ctx) => {
  test('users come in username order, limit at a time, each once, and the last page says there is no next', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    const names = ['dave', 'alice', 'Carol', 'bob', 'eve'];
    for (const [i, username] of names.entries()) await users.create(user({ id: `u-${i}`, username }));
    const pages = await allPages((after) => users.page({ limit: 2, ...(after ? { after } : {}) }));
    assert.deepEqual(
      pages.map((p) => p.map((u) => u.username)),
      [['alice', 'bob'], ['carol', 'dave'], ['eve']],
    );
  });

  test('users are searched by a case-insensitive prefix of username or email, wildcards taken literally', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user({ id: 'u-1', username: 'alice', email: 'ALICE@example.com' }));
    await users.create(user({ id: 'u-2', username: 'bob', email: 'al.bob@example.com' }));
    await users.create(user({ id: 'u-3', username: 'malice', email: 'm@example.com' }));
    await users.create(user({ id: 'u-4', username: 'a_b', email: null }));
    await users.create(user({ id: 'u-5', username: 'axb', email: null }));
    const search = async (q: string) => (await users.page({ limit: 10, q })).items.map((u) => u.username);
    assert.deepEqual(await search('AL'), ['alice', 'bob']);
    assert.deepEqual(await search('alice@'), ['alice']);
    assert.deepEqual(await search('a_'), ['a_b']);
    assert.deepEqual(await search('%'), []);
  });

  test('users can be filtered by disabled, and erased users are never listed', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    await users.create(user({ id: 'u-1', username: 'alice' }));
    await users.create(user({ id: 'u-2', username: 'bob', disabled: true }));
    await users.create(user({ id: 'u-3', username: 'carol' }));
    await users.erase('u-3', NOW);
    const names = async (disabled?: boolean) =>
      (await users.page({ limit: 10, ...(disabled === undefined ? {} : { disabled }) })).items.map(
        (u) => u.username,
      );
    assert.deepEqual(await names(), ['alice', 'bob']);
    assert.deepEqual(await names(true), ['bob']);
    assert.deepEqual(await names(false), ['alice']);
  });

  test('clients come in client id order, limit at a time, searched by a prefix of name or id', async (t) => {
    const { clients } = await openMigratedStores(ctx, t);
    const made = [
      ['c-3', 'Billing'],
      ['c-1', 'Wiki'],
      ['c-2', 'Blog'],
      ['x-9', 'Chat'],
    ] as const;
    for (const [clientId, name] of made) await clients.create(client({ clientId, name }));
    const pages = await allPages((after) => clients.page({ limit: 3, ...(after ? { after } : {}) }));
    assert.deepEqual(
      pages.map((p) => p.map((c) => c.clientId)),
      [['c-1', 'c-2', 'c-3'], ['x-9']],
    );
    const search = async (q: string) => (await clients.page({ limit: 10, q })).items.map((c) => c.clientId);
    assert.deepEqual(await search('b'), ['c-2', 'c-3']);
    assert.deepEqual(await search('X-'), ['x-9']);
  });

  test('a limit outside 1 to the maximum is refused', async (t) => {
    const { users, clients } = await openMigratedStores(ctx, t);
    for (const limit of [0, MAX_PAGE_LIMIT + 1, 1.5]) {
      await assert.rejects(users.page({ limit }), TypeError);
      await assert.rejects(clients.page({ limit }), TypeError);
    }
  });

  test('audit events are filtered by client and time and paged by (at, id) without a gap or a repeat', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    for (let i = 0; i < 6; i++) {
      // Two events per second: the cursor must tell events of one second apart.
      await audit.append({
        type: 'x',
        at: NOW + Math.floor(i / 2),
        clientId: i % 3 === 0 ? 'app' : 'other',
        details: { i },
      });
    }
    const seen: unknown[] = [];
    let before: { at: number; id: number } | undefined;
    for (;;) {
      const events = await audit.list({ limit: 4, ...(before ? { before } : {}) });
      seen.push(...events.map((e) => e.details?.i));
      const last = events.at(-1);
      if (events.length < 4 || last === undefined) break;
      before = { at: last.at, id: last.id };
    }
    assert.deepEqual(seen, [5, 4, 3, 2, 1, 0]);
    const app = await audit.list({ limit: 10, clientId: 'app' });
    assert.deepEqual(
      app.map((e) => e.details?.i),
      [3, 0],
    );
    const window = await audit.list({ limit: 10, since: NOW + 1, until: NOW + 1 });
    assert.deepEqual(
      window.map((e) => e.details?.i),
      [3, 2],
    );
  });
});
