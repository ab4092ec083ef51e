import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { MAX_PAGE_LIMIT } from '../../src/store/lib/page.js';
import { prefixSuccessor } from '../../src/store/lib/prefix.js';
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
    // A search is paged like the list: each match once (alice matches by username and by email), in order.
    const searched = await allPages((after) => users.page({ limit: 1, q: 'a', ...(after ? { after } : {}) }));
    assert.deepEqual(
      searched.map((p) => p.map((u) => u.username)),
      [['a_b'], ['alice'], ['axb'], ['bob']],
    );
  });

  test('a prefix search gives the same answer on both dialects: non-ASCII, punctuation, the range ends and input no text holds', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    const made: [string, string | null][] = [
      ['émile', 'Émile@example.com'],
      ['êve', null],
      ['zoë', 'zoe@example.com'],
      ['ab', null],
      ['ab-c', null],
      ['abz', null],
      ['ac', null],
      ['aa', null],
      ['a%b', null],
      ['a\\b', null],
      ['🙂smile', null],
      ['x\u{10FFFF}', null],
      ['x\u{10FFFF}y', null],
    ];
    for (const [i, [username, email]] of made.entries())
      await users.create(user({ id: `u-${i}`, username, email }));
    const search = async (q: string) => (await users.page({ limit: 50, q })).items.map((u) => u.username);
    // The range ends: 'ab' takes 'ab' itself and what follows it, never its neighbours 'aa' and 'ac'.
    assert.deepEqual(await search('ab'), ['ab', 'ab-c', 'abz']);
    // Non-ASCII: a username (stored lower-cased in full) matches its letters in either case; 'é' is not
    // 'e' and its successor 'ê' is not taken. An email folds A–Z only, on both dialects alike.
    assert.deepEqual(await search('É'), ['émile']);
    assert.deepEqual(await search('émile@'), []);
    assert.deepEqual(await search('ÉMILE@'), ['émile']);
    assert.deepEqual(await search('Émile@EXAMPLE'), ['émile']);
    assert.deepEqual(await search('zo'), ['zoë']);
    assert.deepEqual(await search('🙂'), ['🙂smile']);
    // Wildcards and the escape character are plain characters.
    assert.deepEqual(await search('a%'), ['a%b']);
    assert.deepEqual(await search('a\\'), ['a\\b']);
    assert.deepEqual(await search('_'), []);
    // The last code point has no successor: the range is open above.
    assert.deepEqual(await search('x\u{10FFFF}'), ['x\u{10FFFF}', 'x\u{10FFFF}y']);
    // No stored text holds a lone surrogate or (on PostgreSQL) NUL: nothing matches, nothing fails.
    assert.deepEqual(await search('\ud800'), []);
    assert.deepEqual(await search('a\u0000'), []);
  });

  test('a search whose email matches sort after every username match still pages through all of them in order', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    // Twice a page of username matches first (one also matching by email), then users found by their
    // email alone whose usernames sort last: each half of the search is limited on its own, so the
    // merge must not end the search at the username matches.
    for (let i = 0; i < 6; i++)
      await users.create(
        user({ id: `m-${i}`, username: `m0${i}`, email: i === 3 ? 'm3@x.org' : `x${i}@x.org` }),
      );
    await users.create(user({ id: 'z-1', username: 'zed', email: 'M.zed@x.org' }));
    await users.create(user({ id: 'z-2', username: 'zoe', email: 'm-zoe@x.org', disabled: true }));
    await users.create(user({ id: 'n-1', username: 'nora', email: 'mn@x.org' }));
    await users.create(user({ id: 'o-1', username: 'otto', email: 'otto@x.org' }));
    const search = (q: string, disabled?: boolean) =>
      allPages((after) =>
        users.page({
          limit: 3,
          q,
          ...(after ? { after } : {}),
          ...(disabled === undefined ? {} : { disabled }),
        }),
      );
    const names = (pages: { username: string }[][]) => pages.map((p) => p.map((u) => u.username));
    assert.deepEqual(names(await search('M')), [
      ['m00', 'm01', 'm02'],
      ['m03', 'm04', 'm05'],
      ['nora', 'zed', 'zoe'],
    ]);
    // A page starting inside the email matches, and the disabled filter applied to both halves.
    assert.deepEqual(names([(await users.page({ limit: 3, q: 'm', after: 'nora' })).items]), [
      ['zed', 'zoe'],
    ]);
    assert.deepEqual(names(await search('m', true)), [['zoe']]);
    assert.deepEqual(names(await search('m', false)).flat(), [
      'm00',
      'm01',
      'm02',
      'm03',
      'm04',
      'm05',
      'nora',
      'zed',
    ]);
  });

  test('users are listed in code-point order on both dialects, punctuation and non-ASCII included', async (t) => {
    const { users } = await openMigratedStores(ctx, t);
    const names = ['b', 'a_b', 'a-b', 'a.b', 'ab', 'éa', 'zz', 'a b'];
    for (const [i, username] of names.entries()) await users.create(user({ id: `u-${i}`, username }));
    const pages = await allPages((after) => users.page({ limit: 3, ...(after ? { after } : {}) }));
    const expected = [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    assert.deepEqual(
      pages.flat().map((u) => u.username),
      expected,
    );
  });

  test('users and clients are counted: live users, the disabled among them, and clients', async (t) => {
    const { users, clients } = await openMigratedStores(ctx, t);
    await users.create(user({ id: 'u-1', username: 'alice' }));
    await users.create(user({ id: 'u-2', username: 'bob', disabled: true }));
    await users.create(user({ id: 'u-3', username: 'carol', disabled: true }));
    await users.erase('u-3', NOW);
    await clients.create(client({ clientId: 'c-1' }));
    await clients.create(client({ clientId: 'c-2' }));
    assert.deepEqual(await users.count(), { users: 2, disabled: 1 });
    assert.equal(await clients.count(), 2);
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
    // Matched by name or by id, each once, paged in client id order.
    await clients.create(client({ clientId: 'b-1', name: 'Admin' }));
    const searched = await allPages((after) =>
      clients.page({ limit: 1, q: 'b', ...(after ? { after } : {}) }),
    );
    assert.deepEqual(
      searched.map((p) => p.map((c) => c.clientId)),
      [['b-1'], ['c-2'], ['c-3']],
    );
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
  test('audit events are filtered by type and by a type prefix, byte for byte: wildcards literal, case kept', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    for (const [i, type] of [
      'sign_in.success',
      'signXin.success',
      'sign_in.failure',
      'SIGN_IN.odd',
    ].entries())
      await audit.append({ type, at: NOW + i });
    const types = async (filter: { type?: string; typePrefix?: string }) =>
      (await audit.list({ limit: 10, ...filter })).map((e) => e.type);
    assert.deepEqual(await types({ typePrefix: 'sign_in.' }), ['sign_in.failure', 'sign_in.success']);
    assert.deepEqual(await types({ typePrefix: 'sign_' }), ['sign_in.failure', 'sign_in.success']);
    assert.deepEqual(await types({ typePrefix: 'SIGN' }), ['SIGN_IN.odd']);
    assert.deepEqual(await types({ typePrefix: '%' }), []);
    assert.deepEqual(await types({ type: 'sign_in.success' }), ['sign_in.success']);
    assert.deepEqual(await types({ type: 'sign_in.success', typePrefix: 'sign_in.' }), ['sign_in.success']);
    assert.deepEqual(await types({ type: 'SIGN_IN.odd', typePrefix: 'sign_in.' }), []);
  });

  test('a type prefix pages newest first across its types by (at, id), without a gap or a repeat', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    // Three types under `admin.`, interleaved in time, two events in some seconds; one type outside.
    const kinds = ['admin.user.created', 'admin.client.updated', 'admin.key.rotated', 'token.issued'];
    for (let i = 0; i < 12; i++)
      await audit.append({ type: kinds[i % 4]!, at: NOW + Math.floor(i / 2), details: { i } });
    const seen: unknown[] = [];
    let before: { at: number; id: number } | undefined;
    for (;;) {
      const events = await audit.list({ limit: 2, typePrefix: 'admin.', ...(before ? { before } : {}) });
      seen.push(...events.map((e) => e.details?.i));
      const last = events.at(-1);
      if (events.length < 2 || last === undefined) break;
      before = { at: last.at, id: last.id };
    }
    assert.deepEqual(seen, [10, 9, 8, 6, 5, 4, 2, 1, 0]);
    assert.deepEqual(
      (await audit.list({ limit: 10, typePrefix: 'admin.', since: NOW + 4 })).map((e) => e.details?.i),
      [10, 9, 8],
    );
  });

  test('audit events of a type since a time are counted up to a cap', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    for (let i = 0; i < 5; i++) await audit.append({ type: 'sign_in.success', at: NOW + i });
    await audit.append({ type: 'sign_in.failure', at: NOW + 4 });
    assert.equal(await audit.countSince('sign_in.success', NOW + 1, 1000), 4);
    assert.equal(await audit.countSince('sign_in.success', NOW + 1, 3), 3);
    assert.equal(await audit.countSince('sign_in.failure', NOW, 1000), 1);
    assert.equal(await audit.countSince('sign_in', NOW, 1000), 0);
    await assert.rejects(audit.countSince('sign_in.success', NOW, 0), TypeError);
  });
});

test('the successor of a prefix is the least text after every text that starts with it', () => {
  assert.equal(prefixSuccessor('ab'), 'ac');
  assert.equal(prefixSuccessor('é'), 'ê');
  // Past the BMP's last code point before the surrogates, the next is U+E000 (no text holds a surrogate).
  assert.equal(prefixSuccessor('a\ud7ff'), 'a\ue000');
  assert.equal(prefixSuccessor('🙂'), '🙃');
  assert.equal(prefixSuccessor('a\u{10FFFF}'), 'b');
  assert.equal(prefixSuccessor('\u{10FFFF}\u{10FFFF}'), undefined);
});
