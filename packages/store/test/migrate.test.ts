import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Database,
  type Kysely,
  type Migration,
  openDatabase,
  runMigrations,
  sql,
} from '@latchkey/store';
import { describeEachDialect, untilSessionsWaitForLocks } from '@latchkey/store/testing';

function createTable(name: string, extra?: (db: Kysely<unknown>) => Promise<void>): Migration {
  return {
    name: `create-${name}`,
    async up(db) {
      await db.schema
        .createTable(name)
        .addColumn('id', 'text', (col) => col.primaryKey())
        .execute();
      await extra?.(db);
    },
  };
}

/** Portable and limited to this database's schema (PostgreSQL introspection sees every schema). */
async function tableExists(database: Database, name: string): Promise<boolean> {
  return sql`select 1 from ${sql.table(name)} where 1 = 0`.execute(database.db).then(
    () => true,
    () => false,
  );
}

async function recorded(database: Database, namespace: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom(`latchkey_${namespace}_migrations`)
    .select('name')
    .orderBy('name')
    .execute();
  return rows.map((row: { name: string }) => row.name);
}

describeEachDialect('runMigrations', ({ open, freshUrl, dialect }) => {
  test('applies every migration in order, then nothing the second time', async () => {
    const database = await open();
    const order: string[] = [];
    const migrations = ['a', 'b', 'c'].map((name) => createTable(name, async () => void order.push(name)));
    assert.deepEqual(await runMigrations(database, { namespace: 'demo', migrations }), {
      applied: ['create-a', 'create-b', 'create-c'],
    });
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual(await runMigrations(database, { namespace: 'demo', migrations }), { applied: [] });
    assert.deepEqual(await recorded(database, 'demo'), ['create-a', 'create-b', 'create-c']);
  });

  test('applies only the migrations appended since the last run', async () => {
    const database = await open();
    await runMigrations(database, { namespace: 'demo', migrations: [createTable('a')] });
    const result = await runMigrations(database, {
      namespace: 'demo',
      migrations: [createTable('a'), createTable('b')],
    });
    assert.deepEqual(result, { applied: ['create-b'] });
  });

  test('keeps each namespace in its own table', async () => {
    const database = await open();
    await runMigrations(database, { namespace: 'one', migrations: [createTable('a')] });
    await runMigrations(database, { namespace: 'two', migrations: [createTable('b')] });
    assert.deepEqual(await recorded(database, 'one'), ['create-a']);
    assert.deepEqual(await recorded(database, 'two'), ['create-b']);
  });

  test('rolls a failing migration back entirely, records nothing, and names it in the error', async () => {
    const database = await open();
    const failing: Migration = {
      name: 'half-done',
      async up(db) {
        await db.schema.createTable('partial').addColumn('id', 'text').execute();
        throw new Error('boom');
      },
    };
    await assert.rejects(
      runMigrations(database, { namespace: 'demo', migrations: [createTable('a'), failing] }),
      /Migration demo\/half-done failed and was rolled back: boom/,
    );
    assert.equal(await tableExists(database, 'partial'), false);
    assert.deepEqual(await recorded(database, 'demo'), ['create-a']);
  });

  test('refuses a database migrated by a newer version', async () => {
    const database = await open();
    await runMigrations(database, { namespace: 'demo', migrations: [createTable('a'), createTable('b')] });
    await assert.rejects(
      runMigrations(database, { namespace: 'demo', migrations: [createTable('a')] }),
      /does not know \(create-b\)/,
    );
  });

  const invalidSets = [
    { name: 'a namespace with a quote', set: { namespace: "x'; drop table users; --", migrations: [] } },
    { name: 'an upper-case namespace', set: { namespace: 'Provider', migrations: [] } },
    {
      name: 'duplicate migration names',
      set: { namespace: 'demo', migrations: [createTable('a'), createTable('a')] },
    },
    {
      name: 'an empty migration name',
      set: { namespace: 'demo', migrations: [{ ...createTable('a'), name: '' }] },
    },
  ];
  for (const { name, set } of invalidSets) {
    test(`rejects ${name} before touching the database`, async () => {
      const database = await open();
      await assert.rejects(runMigrations(database, set), TypeError);
      assert.equal(await tableExists(database, `latchkey_${set.namespace}_migrations`), false);
      assert.equal(await tableExists(database, 'latchkey_demo_migrations'), false);
    });
  }

  test('two migrators racing on one database both succeed and apply each migration exactly once', async () => {
    const url = await freshUrl();
    // On PostgreSQL: two pools, as two instances would have, and a third to watch them. On SQLite one
    // process has one connection (better-sqlite3 waits for file locks synchronously, which would stall the
    // event loop), so the two runners share it and Kysely queues them.
    const first = await openDatabase(url);
    const second = dialect === 'postgres' ? await openDatabase(url) : first;
    const watcher = dialect === 'postgres' ? await openDatabase(url) : undefined;
    try {
      // The first migration to be claimed waits until the other instance is blocked on its claim, so the
      // race is real rather than a lucky interleaving.
      let gated = false;
      const gate = async () => {
        if (watcher === undefined || gated) return;
        gated = true;
        await untilSessionsWaitForLocks(watcher, 1, 'latchkey_race_migrations');
      };
      const migrations = [createTable('a', gate), createTable('b'), createTable('c')];
      const [one, two] = await Promise.all([
        runMigrations(first, { namespace: 'race', migrations }),
        runMigrations(second, { namespace: 'race', migrations }),
      ]);
      assert.deepEqual([...one.applied, ...two.applied].sort(), ['create-a', 'create-b', 'create-c']);
      assert.deepEqual(await recorded(first, 'race'), ['create-a', 'create-b', 'create-c']);
      for (const table of ['a', 'b', 'c']) assert.ok(await tableExists(first, table));
      if (watcher !== undefined) assert.ok(gated);
    } finally {
      await first.close();
      if (second !== first) await second.close();
      await watcher?.close();
    }
  });
});
