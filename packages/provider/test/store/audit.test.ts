import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { MAX_AUDIT_LIST_LIMIT } from '../../src/store/audit.js';
import type { AuditEvent } from '../../src/store/types.js';
import { NOW, openMigratedStores } from './fixtures.js';

const types = (events: readonly AuditEvent[]) => events.map((e) => e.type);

describeEachDialect('audit store', (ctx) => {
  test('returns an appended event with its id, nulls for what it did not say, and its details', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    await audit.append({
      type: 'login.failed',
      at: NOW,
      userId: 'u-1',
      clientId: 'app',
      ip: '203.0.113.7',
      details: { reason: 'bad_password', scopes: ['openid'], attempt: 3 },
    });
    await audit.append({ type: 'keys.rotated', at: NOW + 1 });
    const [rotated, failed] = await audit.list({ limit: 10 });
    assert.deepEqual(failed, {
      id: failed?.id,
      type: 'login.failed',
      at: NOW,
      userId: 'u-1',
      clientId: 'app',
      ip: '203.0.113.7',
      details: { reason: 'bad_password', scopes: ['openid'], attempt: 3 },
    });
    assert.deepEqual(rotated, {
      id: rotated?.id,
      type: 'keys.rotated',
      at: NOW + 1,
      userId: null,
      clientId: null,
      ip: null,
      details: {},
    });
    assert.ok(Number.isSafeInteger(failed?.id) && Number.isSafeInteger(rotated?.id));
    assert.ok((rotated?.id ?? 0) > (failed?.id ?? 0));
  });

  test('lists newest first; events of the same second in the order they were appended, newest first', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    await audit.append({ type: 'b', at: NOW + 5 });
    await audit.append({ type: 'a', at: NOW });
    await audit.append({ type: 'c1', at: NOW + 9 });
    await audit.append({ type: 'c2', at: NOW + 9 });
    assert.deepEqual(types(await audit.list({ limit: 10 })), ['c2', 'c1', 'b', 'a']);
  });

  test('filters by type and returns at most limit events', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    for (let i = 0; i < 5; i++) {
      await audit.append({ type: 'login.succeeded', at: NOW + i, details: { i } });
      await audit.append({ type: 'login.failed', at: NOW + i, details: { i } });
    }
    const failed = await audit.list({ limit: 3, type: 'login.failed' });
    assert.deepEqual(
      failed.map((e) => [e.type, e.details?.['i']]),
      [
        ['login.failed', 4],
        ['login.failed', 3],
        ['login.failed', 2],
      ],
    );
    assert.equal((await audit.list({ limit: 4 })).length, 4);
    assert.deepEqual(await audit.list({ limit: 10, type: 'never.happened' }), []);
  });

  test("filters by user: one account's own events, newest first", async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    await audit.append({ type: 'sign_in.success', at: NOW, userId: 'u-alice' });
    await audit.append({ type: 'sign_in.success', at: NOW + 1, userId: 'u-bob' });
    await audit.append({ type: 'password.changed', at: NOW + 2, userId: 'u-alice' });
    await audit.append({ type: 'key.rotated', at: NOW + 3 });
    const own = await audit.list({ limit: 10, userId: 'u-alice' });
    assert.deepEqual(types(own), ['password.changed', 'sign_in.success']);
    assert.deepEqual(await audit.list({ limit: 10, userId: 'u-nobody' }), []);
  });

  for (const limit of [0, -1, 1.5, MAX_AUDIT_LIST_LIMIT + 1, Number.NaN]) {
    test(`refuses a limit of ${limit}`, async (t) => {
      const { audit } = await openMigratedStores(ctx, t);
      await assert.rejects(audit.list({ limit }), TypeError);
    });
  }

  test('deleteBefore deletes at most limit events older than the cut-off and keeps the rest', async (t) => {
    const { audit } = await openMigratedStores(ctx, t);
    for (let i = 0; i < 5; i++) await audit.append({ type: `old-${i}`, at: NOW - 100 + i });
    await audit.append({ type: 'at-cut-off', at: NOW });
    await audit.append({ type: 'new', at: NOW + 1 });
    assert.equal(await audit.deleteBefore(NOW, 3), 3);
    assert.equal((await audit.list({ limit: 10 })).length, 4);
    assert.equal(await audit.deleteBefore(NOW, 3), 2);
    assert.equal(await audit.deleteBefore(NOW, 3), 0);
    assert.deepEqual(types(await audit.list({ limit: 10 })), ['new', 'at-cut-off']);
  });
});
