import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase, sql, withTransaction } from '@latchkey/store';
import BetterSqlite3 from 'better-sqlite3';

const POSTGRES_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('openDatabase on SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'latchkey-connect-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  test('creates the parent directory and sets WAL, synchronous NORMAL, a 10,000-page checkpoint interval, foreign keys and a busy timeout', async () => {
    const path = join(directory, 'nested', 'deeper', 'latchkey.db');
    const database = await openDatabase(`sqlite:${path}`);
    try {
      assert.equal(database.dialect, 'sqlite');
      assert.ok(statSync(path).isFile());
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('synchronous'), 1); // NORMAL
      assert.equal(await pragma('wal_autocheckpoint'), 10_000);
      assert.equal(await pragma('foreign_keys'), 1);
      assert.equal(await pragma('busy_timeout'), 5000);
    } finally {
      await database.close();
    }
  });

  test('starts transactions with the write lock, so another process waits instead of failing mid-transaction', async () => {
    const path = join(directory, 'immediate.db');
    const database = await openDatabase(`sqlite:${path}`);
    const otherProcess = new BetterSqlite3(path, { timeout: 0 });
    try {
      await withTransaction(database, async (trx) => {
        await sql`select 1`.execute(trx); // reads only: a deferred BEGIN would hold no lock yet
        assert.throws(() => otherProcess.exec('begin immediate'), { code: 'SQLITE_BUSY' });
      });
      otherProcess.exec('begin immediate; rollback'); // free again once the transaction ended
    } finally {
      otherProcess.close();
      await database.close();
    }
  });

  test('opens an in-memory database from sqlite::memory:', async () => {
    const database = await openDatabase('sqlite::memory:');
    try {
      assert.equal(database.url, 'sqlite::memory:');
      await sql`create table t (x integer)`.execute(database.db);
    } finally {
      await database.close();
    }
  });

  test('rejects a pool size that is not a positive integer', async () => {
    for (const poolSize of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(openDatabase('sqlite::memory:', { poolSize }), TypeError);
    }
  });
});

describe('openDatabase on PostgreSQL', () => {
  test('connects, reports the URL without its password, and reads bigint columns as numbers', async () => {
    const database = await openDatabase(POSTGRES_URL, { poolSize: 2 });
    try {
      assert.equal(database.dialect, 'postgres');
      assert.ok(!/:[^/@]*@/.test(database.url.replace(/^postgres(ql)?:\/\//, '')));
      const { rows } = await sql<{
        big: unknown;
        count: unknown;
      }>`select cast(1800000000 as bigint) as big, count(*) as count from (values (1), (2)) as v(x)`.execute(
        database.db,
      );
      assert.deepEqual(rows[0], { big: 1_800_000_000, count: 2 });
    } finally {
      await database.close();
    }
  });

  test('fails to open an unreachable server with a message naming the URL but not the password', async () => {
    await assert.rejects(openDatabase('postgres://app:hunter2@127.0.0.1:1/test'), (error: Error) => {
      assert.match(error.message, /Cannot connect to database postgres:\/\/app@127\.0\.0\.1:1\/test/);
      assert.ok(!error.message.includes('hunter2'));
      return true;
    });
  });
});
