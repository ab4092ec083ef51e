import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import type { AuditStore, RefreshTokenRecord } from '../../src/store/types.js';
import { StoreConflictError } from '../../src/store/types.js';
import {
  contended,
  grant,
  lockRows,
  NOW,
  openMigratedStores,
  refreshToken,
  twoInstances,
} from './fixtures.js';

const TOKEN = refreshToken();
const successorOf = (tokenHash: string, overrides: Partial<RefreshTokenRecord> = {}) =>
  refreshToken({ tokenHash, createdAt: NOW + 10, idleExpiresAt: NOW + 10 + 86_400, ...overrides });

describeEachDialect('refresh token store', (ctx) => {
  test('returns a created token exactly as it was given, and nothing for an unknown hash', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    const ofClient = refreshToken({ tokenHash: 'h-client', grantId: 'g-cc', userId: null, scopes: [] });
    await refreshTokens.create(TOKEN);
    await refreshTokens.create(ofClient);
    assert.deepEqual(await refreshTokens.get(TOKEN.tokenHash), TOKEN);
    assert.deepEqual(await refreshTokens.get('h-client'), ofClient);
    assert.equal(await refreshTokens.get('unknown-hash'), undefined);
  });

  test('getWithGrant returns the token with its grant in one read, no grant when it is gone, nothing for an unknown hash', async (t) => {
    const { refreshTokens, grants } = await openMigratedStores(ctx, t);
    const family = grant({ revokedAt: NOW + 5, resources: ['https://api.example.com'] });
    await grants.create(family);
    await refreshTokens.create(TOKEN);
    const orphan = refreshToken({ tokenHash: 'h-orphan', grantId: 'g-gone' });
    await refreshTokens.create(orphan);
    assert.deepEqual(await refreshTokens.getWithGrant(TOKEN.tokenHash), { token: TOKEN, grant: family });
    assert.deepEqual(await refreshTokens.getWithGrant('h-orphan'), { token: orphan, grant: undefined });
    assert.equal(await refreshTokens.getWithGrant('unknown-hash'), undefined);
  });

  test('keeps the DPoP key a token is bound to, and a successor bound to the same key', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    const bound = refreshToken({ tokenHash: 'h-bound', dpopJkt: 'jkt-of-the-client-key' });
    await refreshTokens.create(bound);
    assert.deepEqual(await refreshTokens.get('h-bound'), bound);
    const successor = successorOf('h-bound-next', { dpopJkt: 'jkt-of-the-client-key' });
    await refreshTokens.rotate('h-bound', NOW + 10, successor);
    assert.equal((await refreshTokens.get('h-bound-next'))?.dpopJkt, 'jkt-of-the-client-key');
  });

  test('refuses a token whose hash is taken', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    await assert.rejects(
      refreshTokens.create(refreshToken({ grantId: 'g-2' })),
      (error: unknown) =>
        error instanceof StoreConflictError &&
        error.entity === 'refresh token' &&
        error.field === 'token_hash',
    );
  });

  test('rotates a token once, stamping it and storing its successor', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    const successor = successorOf('h-next');
    assert.deepEqual(await refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successor), {
      status: 'rotated',
      token: { ...TOKEN, rotatedAt: NOW + 10 },
    });
    assert.deepEqual(await refreshTokens.get('h-next'), successor);
    assert.equal((await refreshTokens.get(TOKEN.tokenHash))?.rotatedAt, NOW + 10);
  });

  test('R1: reports a rotated token presented again as reused, with the grant to revoke and the first time', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    await refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successorOf('h-next'));
    assert.deepEqual(await refreshTokens.rotate(TOKEN.tokenHash, NOW + 20, successorOf('h-thief')), {
      status: 'reused',
      token: { ...TOKEN, rotatedAt: NOW + 10 },
    });
    assert.equal(await refreshTokens.get('h-thief'), undefined);
  });

  test('reports an unknown token as not found and stores no successor for it', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    assert.deepEqual(await refreshTokens.rotate('unknown-hash', NOW, successorOf('h-next')), {
      status: 'not_found',
    });
    assert.equal(await refreshTokens.get('h-next'), undefined);
  });

  test('rotates a successor in turn, so a family is a chain with one live token', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    await refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successorOf('h-second'));
    const third = successorOf('h-third', { createdAt: NOW + 20 });
    assert.equal((await refreshTokens.rotate('h-second', NOW + 20, third)).status, 'rotated');
    assert.deepEqual(await refreshTokens.get('h-third'), third);
    assert.equal((await refreshTokens.rotate(TOKEN.tokenHash, NOW + 30)).status, 'reused');
    assert.equal((await refreshTokens.rotate('h-second', NOW + 30)).status, 'reused');
  });

  test('rotates without a successor when none is given', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    assert.equal((await refreshTokens.rotate(TOKEN.tokenHash, NOW + 10)).status, 'rotated');
    assert.equal((await refreshTokens.rotate(TOKEN.tokenHash, NOW + 11)).status, 'reused');
  });

  test('leaves expiry to the caller: a token past its idle end is still rotated and returned', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    const late = await refreshTokens.rotate(TOKEN.tokenHash, TOKEN.idleExpiresAt + 100);
    assert.equal(late.status, 'rotated');
  });

  test('rotates nothing when the successor hash is taken: the rotation and its successor are one', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    await refreshTokens.create(refreshToken({ tokenHash: 'h-taken' }));
    await assert.rejects(
      refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successorOf('h-taken')),
      (error: unknown) => error instanceof StoreConflictError && error.field === 'token_hash',
    );
    assert.equal((await refreshTokens.get(TOKEN.tokenHash))?.rotatedAt, null);
    assert.equal(
      (await refreshTokens.rotate(TOKEN.tokenHash, NOW + 11, successorOf('h-free'))).status,
      'rotated',
    );
  });

  const issued = (at: number, grantId = TOKEN.grantId) => ({
    type: 'token.issued',
    at,
    userId: TOKEN.userId,
    clientId: TOKEN.clientId,
    details: { grantId },
  });
  const eventsOf = async (audit: AuditStore) =>
    (await audit.list({ limit: 10 })).map(({ type, at, userId, clientId, details }) => ({
      type,
      at,
      userId,
      clientId,
      details,
    }));

  test('rotate with an audit event stores it in the rotation, and none for a reused or unknown token', async (t) => {
    const { refreshTokens, audit } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    assert.equal(
      (await refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successorOf('h-next'), issued(NOW + 10))).status,
      'rotated',
    );
    assert.equal(
      (await refreshTokens.rotate(TOKEN.tokenHash, NOW + 20, successorOf('h-again'), issued(NOW + 20)))
        .status,
      'reused',
    );
    assert.equal(
      (await refreshTokens.rotate('h-unknown', NOW + 20, undefined, issued(NOW + 20))).status,
      'not_found',
    );
    assert.deepEqual(await eventsOf(audit), [issued(NOW + 10)]);
  });

  test('rotates nothing when its audit event cannot be stored: the rotation, successor and event are one commit', async (t) => {
    const { refreshTokens, audit } = await openMigratedStores(ctx, t);
    await refreshTokens.create(TOKEN);
    // A BigInt cannot be written as JSON: the event fails inside the rotation's transaction.
    const unwritable = { type: 'token.issued', at: NOW + 10, details: { n: 1n } };
    await assert.rejects(
      refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successorOf('h-next'), unwritable),
      TypeError,
    );
    assert.equal((await refreshTokens.get(TOKEN.tokenHash))?.rotatedAt, null);
    assert.equal(await refreshTokens.get('h-next'), undefined);
    assert.deepEqual(await audit.list({ limit: 10 }), []);
  });

  const strangers: { name: string; successor: RefreshTokenRecord }[] = [
    { name: 'belongs to another grant', successor: successorOf('h-next', { grantId: 'g-other' }) },
    { name: 'belongs to another client', successor: successorOf('h-next', { clientId: 'other-app' }) },
    {
      name: 'outlives the family',
      successor: successorOf('h-next', { absoluteExpiresAt: TOKEN.absoluteExpiresAt + 1 }),
    },
    { name: 'is already rotated', successor: successorOf('h-next', { rotatedAt: NOW + 10 }) },
  ];
  for (const { name, successor } of strangers) {
    test(`refuses a successor that ${name}, and rotates nothing`, async (t) => {
      const { refreshTokens } = await openMigratedStores(ctx, t);
      await refreshTokens.create(TOKEN);
      await assert.rejects(refreshTokens.rotate(TOKEN.tokenHash, NOW + 10, successor), TypeError);
      assert.equal((await refreshTokens.get(TOKEN.tokenHash))?.rotatedAt, null);
      assert.equal(await refreshTokens.get('h-next'), undefined);
    });
  }

  test('deleteExpired deletes tokens whose family ended before the time given, keeping rotated live ones', async (t) => {
    const { refreshTokens } = await openMigratedStores(ctx, t);
    await refreshTokens.create(refreshToken({ tokenHash: 'h-old', absoluteExpiresAt: NOW + 10 }));
    await refreshTokens.create(refreshToken({ tokenHash: 'h-edge', absoluteExpiresAt: NOW + 20 }));
    // Past its idle end and rotated, but its family lives: presenting it again must still read as reuse.
    await refreshTokens.create(
      refreshToken({ tokenHash: 'h-rotated', idleExpiresAt: NOW + 5, rotatedAt: NOW }),
    );
    assert.equal(await refreshTokens.deleteExpired(NOW + 20), 1);
    assert.equal(await refreshTokens.get('h-old'), undefined);
    assert.notEqual(await refreshTokens.get('h-edge'), undefined);
    assert.equal((await refreshTokens.rotate('h-rotated', NOW + 20)).status, 'reused');
    assert.equal(await refreshTokens.deleteExpired(NOW + 20), 0);
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    test(`R1: of two instances rotating one token at once, exactly one rotates it and one successor exists${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.refreshTokens.create(TOKEN);
      const hold = lockRows('refresh_tokens', sql`token_hash = ${TOKEN.tokenHash}`);
      const results = await contended(ctx, url, t, { hold, table: 'refresh_tokens', racers: 2 }, () =>
        Promise.all([
          one.refreshTokens.rotate(TOKEN.tokenHash, NOW + 1, successorOf('h-one'), issued(NOW + 1)),
          two.refreshTokens.rotate(TOKEN.tokenHash, NOW + 2, successorOf('h-two'), issued(NOW + 2)),
        ]),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), ['reused', 'rotated']);
      const winner = results[0]?.status === 'rotated' ? 'h-one' : 'h-two';
      const loser = winner === 'h-one' ? 'h-two' : 'h-one';
      assert.notEqual(await two.refreshTokens.get(winner), undefined);
      assert.equal(await two.refreshTokens.get(loser), undefined);
      const { rows } = await sql<{ n: number }>`
        select count(*) as n from refresh_tokens where grant_id = ${TOKEN.grantId}`.execute(one.database.db);
      assert.equal(Number(rows[0]?.n), 2);
      // The winner's audit event alone: an event exactly when there was a rotation.
      assert.deepEqual(await eventsOf(two.audit), [issued(winner === 'h-one' ? NOW + 1 : NOW + 2)]);
    });
  }
});
