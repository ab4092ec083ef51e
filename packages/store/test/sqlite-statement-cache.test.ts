import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Kysely, sql } from '@latchkey/store';
import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements, ImmediateSqliteDialect } from '../src/lib/sqlite-dialect.js';

/** An in-memory database whose `prepare` calls are counted per SQL text. */
function countingDatabase() {
  const handle = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const database = {
    close: () => handle.close(),
    prepare: (text: string) => {
      prepared.push(text);
      return handle.prepare(text);
    },
  };
  return { handle, prepared, database };
}

describe('the SQLite prepared-statement cache', () => {
  test('prepares a query once and reuses the statement with new parameters', async () => {
    const { prepared, database } = countingDatabase();
    // biome-ignore lint/suspicious/noExplicitAny: a schema-less test database
    const db = new Kysely<any>({ dialect: new ImmediateSqliteDialect({ database }) });
    try {
      await sql`create table t (id integer primary key, name text)`.execute(db);
      for (const name of ['a', 'b', 'c']) await db.insertInto('t').values({ name }).execute();
      const names = [];
      for (const id of [1, 2, 3]) {
        const row = await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst();
        names.push(row?.name);
      }
      assert.deepEqual(names, ['a', 'b', 'c']);
      assert.equal(prepared.filter((text) => text.startsWith('insert')).length, 1);
      assert.equal(prepared.filter((text) => text.startsWith('select')).length, 1);
    } finally {
      await db.destroy();
    }
  });

  test('keeps transactions on BEGIN IMMEDIATE and statements usable after a failed run', async () => {
    const { handle, prepared, database } = countingDatabase();
    // biome-ignore lint/suspicious/noExplicitAny: a schema-less test database
    const db = new Kysely<any>({ dialect: new ImmediateSqliteDialect({ database }) });
    try {
      await sql`create table t (id integer primary key)`.execute(db);
      await db.insertInto('t').values({ id: 1 }).execute();
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          assert.equal(handle.inTransaction, true);
          await trx.insertInto('t').values({ id: 1 }).execute(); // primary key violation
        }),
        { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
      );
      await db.insertInto('t').values({ id: 2 }).execute();
      assert.ok(prepared.includes('begin immediate'));
      const rows = await db.selectFrom('t').select('id').orderBy('id').execute();
      assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
    } finally {
      await db.destroy();
    }
  });

  test('sees a column added after the statement was cached (SQLite re-prepares on a schema change)', async () => {
    const { database } = countingDatabase();
    // biome-ignore lint/suspicious/noExplicitAny: a schema-less test database
    const db = new Kysely<any>({ dialect: new ImmediateSqliteDialect({ database }) });
    try {
      await sql`create table t (id integer primary key)`.execute(db);
      await db.insertInto('t').values({ id: 1 }).execute();
      assert.deepEqual(await db.selectFrom('t').selectAll().execute(), [{ id: 1 }]);
      await sql`alter table t add column name text default 'x'`.execute(db);
      assert.deepEqual(await db.selectFrom('t').selectAll().execute(), [{ id: 1, name: 'x' }]);
    } finally {
      await db.destroy();
    }
  });

  test('holds at most its capacity and evicts the least recently used statement', () => {
    const { prepared, database } = countingDatabase();
    const cached = cachingStatements(database, 2);
    try {
      cached.prepare('select 1');
      cached.prepare('select 2');
      cached.prepare('select 1'); // now the most recently used
      cached.prepare('select 3'); // evicts 'select 2'
      cached.prepare('select 1');
      cached.prepare('select 2');
      assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3', 'select 2']);
    } finally {
      cached.close();
    }
  });
});
