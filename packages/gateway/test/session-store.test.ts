import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { GATEWAY_MIGRATIONS, KyselySessionStore } from '@latchkey/gateway';
import { runMigrations } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { Sealer } from '../src/session/seal.js';

const session = (
  idHash: string,
  extra: Partial<{ sid: string; subject: string; expiresAt: number }> = {},
) => ({
  idHash,
  provider: 'op',
  subject: extra.subject ?? 'alice',
  sid: extra.sid,
  data: 'sealed',
  accessExpiresAt: 1500,
  createdAt: 1000,
  expiresAt: extra.expiresAt ?? 2000,
});

describeEachDialect('gateway session store contract', (ctx) => {
  let store: KyselySessionStore;
  before(async () => {
    const database = await ctx.open();
    await runMigrations(database, GATEWAY_MIGRATIONS);
    store = new KyselySessionStore(database);
  });

  test('a session is found until it expires, updated, and deleted', async () => {
    await store.createSession(session('s1'));
    assert.equal((await store.findSession('s1', 1999))?.accessExpiresAt, 1500);
    assert.equal(await store.findSession('s1', 2000), undefined);
    await store.updateSession('s1', { data: 'new', accessExpiresAt: undefined });
    const updated = await store.findSession('s1', 1000);
    assert.equal(updated?.data, 'new');
    assert.equal(updated?.accessExpiresAt, undefined);
    await store.deleteSession('s1');
    assert.equal(await store.findSession('s1', 1000), undefined);
  });

  test('back-channel logout ends the sessions of a sid, or all of a subject', async () => {
    await store.createSession(session('a', { sid: 'x' }));
    await store.createSession(session('b', { sid: 'y' }));
    await store.createSession(session('c', { sid: 'z', subject: 'bob' }));
    assert.equal(await store.deleteSessionsFor('op', { sid: 'x' }), 1);
    assert.equal(await store.deleteSessionsFor('other', { sub: 'alice' }), 0);
    assert.equal(await store.deleteSessionsFor('op', { sub: 'alice' }), 1);
    assert.equal(await store.deleteSessionsFor('op', {}), 0);
    assert.ok(await store.findSession('c', 1000));
  });

  test('D1: a DPoP proof key is remembered once until it expires, also by racing gateways, then purged', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.rememberProof('p1', 1060, 1000)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store.rememberProof('p1', 1070, 1059), false);
    assert.equal(await store.rememberProof('p1', 1120, 1060), true, 'expired: a key may be used again');
    assert.equal(await store.rememberProof('p2', 1010, 1000), true);
    await store.purgeExpired(1010);
    assert.equal(await store.rememberProof('p2', 1020, 1000), true, 'purged: the row is gone');
    assert.equal(await store.rememberProof('p1', 1200, 1100), false, 'a live key survives the purge');
  });

  test('A7: a pending login is consumed once, and never after it expires, even by racing callbacks', async () => {
    await store.createLogin({ stateHash: 'st', data: 'd', expiresAt: 2000 });
    const results = await Promise.all([store.consumeLogin('st', 1000), store.consumeLogin('st', 1000)]);
    assert.equal(results.filter((r) => r !== undefined).length, 1);
    await store.createLogin({ stateHash: 'old', data: 'd', expiresAt: 1000 });
    assert.equal(await store.consumeLogin('old', 1000), undefined);
    assert.equal(await store.consumeLogin('unknown', 1000), undefined);
  });

  test('purge removes expired sessions and logins', async () => {
    await store.createSession(session('p', { expiresAt: 1100 }));
    await store.purgeExpired(1200);
    assert.equal(await store.findSession('p', 0), undefined);
  });
});

test('S6: a sealed value opens only untampered and in its own context', () => {
  const sealer = new Sealer(Buffer.alloc(32, 7), 'cookies');
  const sealed = sealer.seal('session-id', 'latchkey');
  assert.equal(sealer.open(sealed, 'latchkey'), 'session-id');
  assert.equal(sealer.open(sealed, 'latchkey-login'), undefined);
  assert.equal(new Sealer(Buffer.alloc(32, 8), 'cookies').open(sealed, 'latchkey'), undefined);
  for (let i = 0; i < sealed.length; i += 7) {
    const flipped = `${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`;
    assert.equal(sealer.open(flipped, 'latchkey'), undefined, `position ${i}`);
  }
  assert.equal(sealer.open(sealed.slice(0, -1), 'latchkey'), undefined);
  assert.equal(sealer.open('', 'latchkey'), undefined);
});
