import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import type { EmailLinkRecord } from '../../src/store/types.js';
import { contended, lockRows, NOW, openStoresWithUserAndClient, twoInstances, user } from './fixtures.js';

const ALICE = user().id;

function link(overrides: Partial<EmailLinkRecord> = {}): EmailLinkRecord {
  return {
    tokenHash: 'bGluay10b2tlbi1oYXNo',
    purpose: 'reset-password',
    userId: ALICE,
    email: 'alice@example.com',
    createdAt: NOW,
    expiresAt: NOW + 900,
    consumedAt: null,
    ...overrides,
  };
}

describeEachDialect('email link store', (ctx) => {
  test('peek returns a live link of its purpose exactly as created, and changes nothing', async (t) => {
    const { emailLinks } = await openStoresWithUserAndClient(ctx, t);
    await emailLinks.create(link());
    assert.deepEqual(await emailLinks.peek(link().tokenHash, 'reset-password', NOW + 1), link());
    assert.deepEqual(await emailLinks.peek(link().tokenHash, 'reset-password', NOW + 2), link());
    assert.equal(await emailLinks.peek(link().tokenHash, 'verify-email', NOW + 1), undefined);
    assert.equal(await emailLinks.peek('unknown', 'reset-password', NOW + 1), undefined);
  });

  test('F5: consumes a link once; a second use, another purpose or an expired link get nothing', async (t) => {
    const { emailLinks } = await openStoresWithUserAndClient(ctx, t);
    await emailLinks.create(link());
    await emailLinks.create(link({ tokenHash: 'expired', expiresAt: NOW + 10 }));
    assert.equal(await emailLinks.consume(link().tokenHash, 'verify-email', NOW + 1), undefined);
    assert.deepEqual(await emailLinks.consume(link().tokenHash, 'reset-password', NOW + 1), {
      ...link(),
      consumedAt: NOW + 1,
    });
    assert.equal(await emailLinks.consume(link().tokenHash, 'reset-password', NOW + 2), undefined);
    assert.equal(await emailLinks.consume('expired', 'reset-password', NOW + 10), undefined);
  });

  test('consumeAllForUser ends the live links of one user and purpose only', async (t) => {
    const { emailLinks, users } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await emailLinks.create(link({ tokenHash: 'a1' }));
    await emailLinks.create(link({ tokenHash: 'a2' }));
    await emailLinks.create(link({ tokenHash: 'a-verify', purpose: 'verify-email' }));
    await emailLinks.create(link({ tokenHash: 'b1', userId: 'u-bob' }));
    assert.equal(await emailLinks.consumeAllForUser(ALICE, 'reset-password', NOW + 5), 2);
    assert.equal(await emailLinks.peek('a1', 'reset-password', NOW + 6), undefined);
    assert.ok(await emailLinks.peek('a-verify', 'verify-email', NOW + 6));
    assert.ok(await emailLinks.peek('b1', 'reset-password', NOW + 6));
  });

  test('deleteExpired removes only links that expired before the time given', async (t) => {
    const { emailLinks } = await openStoresWithUserAndClient(ctx, t);
    await emailLinks.create(link({ tokenHash: 'old', expiresAt: NOW + 10 }));
    await emailLinks.create(link({ tokenHash: 'new', expiresAt: NOW + 1000 }));
    assert.equal(await emailLinks.deleteExpired(NOW + 11, 100), 1);
    assert.equal(await emailLinks.deleteExpired(NOW + 11, 100), 0);
    assert.ok(await emailLinks.peek('new', 'reset-password', NOW + 12));
  });

  test('deleting the user deletes their links, and a link for no user is refused', async (t) => {
    const stores = await openStoresWithUserAndClient(ctx, t);
    await stores.emailLinks.create(link());
    await assert.rejects(stores.emailLinks.create(link({ tokenHash: 'x', userId: 'u-nobody' })));
    await sql`delete from users where id = ${ALICE}`.execute(stores.database.db);
    assert.equal(await stores.emailLinks.peek(link().tokenHash, 'reset-password', NOW + 1), undefined);
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    test(`F5: gives a link to exactly one of two instances using it at once${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.users.create(user());
      await one.emailLinks.create(link());
      const hold = lockRows('email_links', sql`token_hash = ${link().tokenHash}`);
      const results = await contended(ctx, url, t, { hold, table: 'email_links', racers: 2 }, () =>
        Promise.all([
          one.emailLinks.consume(link().tokenHash, 'reset-password', NOW + 1),
          two.emailLinks.consume(link().tokenHash, 'reset-password', NOW + 2),
        ]),
      );
      assert.equal(results.filter((r) => r !== undefined).length, 1);
    });
  }

  test('F5: of 50 parallel uses of one link across two instances exactly one wins', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.emailLinks.create(link());
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? one : two).emailLinks.consume(link().tokenHash, 'reset-password', NOW + 1),
      ),
    );
    assert.equal(results.filter((r) => r !== undefined).length, 1);
  });
});
