import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Database, sql, withTransaction } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';

async function counterTable(database: Database): Promise<void> {
  await sql`create table counter (id integer primary key, value integer not null)`.execute(database.db);
  await sql`insert into counter (id, value) values (1, 0)`.execute(database.db);
}

async function counterValue(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('counter')
    .select('value')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

describeEachDialect('withTransaction', ({ open }) => {
  test('commits what the function wrote and returns its result', async () => {
    const database = await open();
    await counterTable(database);
    const result = await withTransaction(database, async (trx) => {
      await trx.updateTable('counter').set({ value: 5 }).where('id', '=', 1).execute();
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(await counterValue(database), 5);
  });

  test('rolls everything back when the function throws, and rethrows', async () => {
    const database = await open();
    await counterTable(database);
    await assert.rejects(
      withTransaction(database, async (trx) => {
        await trx.updateTable('counter').set({ value: 5 }).where('id', '=', 1).execute();
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal(await counterValue(database), 0);
  });

  test('isolates concurrent read-modify-write transactions from one another', async () => {
    // On SQLite every caller shares one connection: this passes only because Kysely's driver holds a
    // mutex for the whole transaction, so no caller's statements run inside another's transaction.
    // On PostgreSQL the row lock taken by `for update` serialises them.
    const database = await open();
    await counterTable(database);
    const forUpdate = database.dialect === 'postgres';
    const increment = () =>
      withTransaction(database, async (trx) => {
        let read = trx.selectFrom('counter').select('value').where('id', '=', 1);
        if (forUpdate) read = read.forUpdate();
        const { value } = await read.executeTakeFirstOrThrow();
        await Promise.resolve(); // yield, so other callers get a chance to interleave
        await trx
          .updateTable('counter')
          .set({ value: Number(value) + 1 })
          .where('id', '=', 1)
          .execute();
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    assert.equal(await counterValue(database), 20);
  });
});
