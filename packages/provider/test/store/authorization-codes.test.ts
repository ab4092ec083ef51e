import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { StoreConflictError } from '../../src/store/types.js';
import {
  authorizationCode,
  contended,
  grant,
  lockRows,
  NOW,
  openMigratedStores,
  twoInstances,
} from './fixtures.js';

const CODE = authorizationCode();

describeEachDialect('authorization code store', (ctx) => {
  test('consumes a code once, returning it stamped with the time it was consumed', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(CODE);
    assert.deepEqual(await authorizationCodes.consume(CODE.codeHash, NOW + 3), {
      status: 'consumed',
      code: { ...CODE, consumedAt: NOW + 3 },
    });
  });

  test('A1: reports a second redemption as replayed, with the grant to revoke, and keeps the first time', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(CODE);
    await authorizationCodes.consume(CODE.codeHash, NOW + 3);
    const replay = await authorizationCodes.consume(CODE.codeHash, NOW + 4);
    assert.equal(replay.status, 'replayed');
    assert.ok(replay.status === 'replayed');
    assert.equal(replay.code.grantId, CODE.grantId);
    assert.equal(replay.code.consumedAt, NOW + 3);
  });

  test('get returns the code as stored, consumed or not, and undefined for an unknown one', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(CODE);
    assert.equal((await authorizationCodes.get(CODE.codeHash))?.consumedAt, null);
    await authorizationCodes.consume(CODE.codeHash, NOW + 3);
    assert.equal((await authorizationCodes.get(CODE.codeHash))?.consumedAt, NOW + 3);
    assert.equal(await authorizationCodes.get('unknown-hash'), undefined);
  });

  test("getWithGrant returns the code with its grant's id and revocation in one read, no grant when it is gone", async (t) => {
    const { authorizationCodes, grants } = await openMigratedStores(ctx, t);
    const live = grant({ id: CODE.grantId });
    await grants.create(live);
    await authorizationCodes.create(CODE);
    assert.deepEqual(await authorizationCodes.getWithGrant(CODE.codeHash), {
      code: CODE,
      grant: { id: live.id, revokedAt: null },
    });
    await grants.revoke(live.id, NOW + 7);
    assert.deepEqual((await authorizationCodes.getWithGrant(CODE.codeHash))?.grant, {
      id: live.id,
      revokedAt: NOW + 7,
    });
    const orphan = authorizationCode({ codeHash: 'h-orphan', grantId: 'g-gone' });
    await authorizationCodes.create(orphan);
    assert.deepEqual(await authorizationCodes.getWithGrant('h-orphan'), { code: orphan, grant: undefined });
    assert.equal(await authorizationCodes.getWithGrant('unknown-hash'), undefined);
  });

  test('reports an unknown code as not found', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(CODE);
    assert.deepEqual(await authorizationCodes.consume('unknown-hash', NOW), { status: 'not_found' });
  });

  test('keeps a code without nonce, PKCE, claims or resources exactly as given', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    const bare = authorizationCode({
      nonce: null,
      codeChallenge: null,
      claimsRequest: null,
      resources: [],
      acr: 'urn:latchkey:acr:pwd',
      amr: [],
    });
    await authorizationCodes.create(bare);
    assert.deepEqual(await authorizationCodes.consume(bare.codeHash, NOW), {
      status: 'consumed',
      code: { ...bare, consumedAt: NOW },
    });
  });

  test('keeps the DPoP key thumbprint a code is bound to (RFC 9449 §10)', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    const bound = authorizationCode({
      codeHash: 'Ym91bmQtY29kZQ',
      dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    });
    await authorizationCodes.create(bound);
    assert.equal((await authorizationCodes.get(bound.codeHash))?.dpopJkt, bound.dpopJkt);
    await authorizationCodes.create(CODE);
    assert.equal((await authorizationCodes.get(CODE.codeHash))?.dpopJkt, null);
  });

  test('leaves expiry to the caller: an expired code is still consumed and returned', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(CODE);
    const late = await authorizationCodes.consume(CODE.codeHash, CODE.expiresAt + 100);
    assert.equal(late.status, 'consumed');
  });

  test('refuses a code whose hash is taken', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(CODE);
    await assert.rejects(
      authorizationCodes.create(authorizationCode({ grantId: 'g-2' })),
      (error: unknown) => error instanceof StoreConflictError && error.field === 'code_hash',
    );
  });

  test('deleteExpired deletes codes that expired before the time given and counts them', async (t) => {
    const { authorizationCodes } = await openMigratedStores(ctx, t);
    await authorizationCodes.create(authorizationCode({ codeHash: 'h-old', expiresAt: NOW + 10 }));
    await authorizationCodes.create(authorizationCode({ codeHash: 'h-edge', expiresAt: NOW + 20 }));
    await authorizationCodes.create(authorizationCode({ codeHash: 'h-new', expiresAt: NOW + 30 }));
    assert.equal(await authorizationCodes.deleteExpired(NOW + 20), 1);
    assert.equal((await authorizationCodes.consume('h-old', NOW)).status, 'not_found');
    assert.equal((await authorizationCodes.consume('h-edge', NOW)).status, 'consumed');
    assert.equal((await authorizationCodes.consume('h-new', NOW)).status, 'consumed');
    assert.equal(await authorizationCodes.deleteExpired(NOW + 20), 0);
  });

  for (const serializable of [false, true]) {
    const isolation = serializable ? ', with SERIALIZABLE transactions (as on CockroachDB)' : '';
    test(`A1: of two instances redeeming one code at once, exactly one consumes it${isolation}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      await one.authorizationCodes.create(CODE);
      const hold = lockRows('authorization_codes', sql`code_hash = ${CODE.codeHash}`);
      const results = await contended(ctx, url, t, { hold, table: 'authorization_codes', racers: 2 }, () =>
        Promise.all([
          one.authorizationCodes.consume(CODE.codeHash, NOW + 1),
          two.authorizationCodes.consume(CODE.codeHash, NOW + 2),
        ]),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), ['consumed', 'replayed']);
      const winner = results.find((r) => r.status === 'consumed');
      const loser = results.find((r) => r.status === 'replayed');
      assert.ok(winner?.status === 'consumed' && loser?.status === 'replayed');
      assert.equal(loser.code.consumedAt, winner.code.consumedAt);
    });
  }
});
