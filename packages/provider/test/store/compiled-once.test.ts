import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { compiledOnce } from '../../src/store/lib/compiled-once.js';
import type { ProviderSchema } from '../../src/store/schema.js';
import { grant, openMigratedStores } from './fixtures.js';

describeEachDialect('compiledOnce', (ctx) => {
  test('each call runs the one compiled statement with its own values, in their places', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    const db = stores.database.db as Kysely<ProviderSchema>;
    await stores.grants.create(grant({ id: 'g-1', clientId: 'client-a' }));
    await stores.grants.create(grant({ id: 'g-2', clientId: 'client-b' }));
    let builds = 0;
    // The values in the opposite order of their columns: each must land at its own parameter.
    const byClientAndId = compiledOnce(2, (clientId: string, id: string) => {
      builds++;
      return db.selectFrom('grants').select('id').where('id', '=', id).where('client_id', '=', clientId);
    });
    assert.deepEqual((await byClientAndId(db, 'client-a', 'g-1')).rows, [{ id: 'g-1' }]);
    assert.deepEqual((await byClientAndId(db, 'client-b', 'g-2')).rows, [{ id: 'g-2' }]);
    assert.deepEqual((await byClientAndId(db, 'client-a', 'g-2')).rows, []);
    assert.equal(builds, 1);
  });

  test('runs inside a transaction, on its connection', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    const db = stores.database.db as Kysely<ProviderSchema>;
    await stores.grants.create(grant({ id: 'g-1' }));
    const revoke = compiledOnce(2, (at: number, id: string) =>
      db.updateTable('grants').set({ revoked_at: at }).where('id', '=', id).returning('revoked_at'),
    );
    // Rolled back: the update happened on the transaction's connection and is undone with it.
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        assert.deepEqual((await revoke(trx, 42, 'g-1')).rows, [{ revoked_at: 42 }]);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal((await stores.grants.get('g-1'))?.revokedAt, null);
  });

  test('a value the builder does not pass on as a parameter is refused when it compiles', async (t) => {
    const stores = await openMigratedStores(ctx, t);
    const db = stores.database.db as Kysely<ProviderSchema>;
    const ignoresItsValue = compiledOnce(1, (_id: string) => db.selectFrom('grants').select('id'));
    await assert.rejects(() => ignoresItsValue(db, 'g-1'), /value 0 is not a parameter/);
  });
});
