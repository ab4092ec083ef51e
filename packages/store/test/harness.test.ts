import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase, sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';

describeEachDialect('describeEachDialect', ({ open, freshUrl, dialect }) => {
  test('gives each fresh database its own empty namespace', async () => {
    const one = await open();
    const two = await open();
    assert.equal(one.dialect, dialect);
    await sql`create table marker (id integer)`.execute(one.db);
    await sql`create table marker (id integer)`.execute(two.db); // would fail if they were shared
    assert.notEqual(one.url, two.url);
  });

  test('lets a fresh URL be opened twice onto the same data', async () => {
    const url = await freshUrl();
    const writer = await openDatabase(url);
    const reader = await openDatabase(url);
    try {
      await sql`create table marker (id integer)`.execute(writer.db);
      await sql`insert into marker (id) values (7)`.execute(writer.db);
      const { rows } = await sql<{ id: number }>`select id from marker`.execute(reader.db);
      assert.deepEqual(rows, [{ id: 7 }]);
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});

test('fails (never skips) the PostgreSQL suite when PostgreSQL is unreachable, saying how to start it', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const directory = mkdtempSync(join(root, 'packages/store/test/.tmp-'));
  try {
    const file = join(directory, 'probe.test.ts');
    writeFileSync(
      file,
      "import { test } from 'node:test';\nimport { describeEachDialect } from '@latchkey/store/testing';\n" +
        "describeEachDialect('probe', () => { test('runs', () => {}); });\n",
    );
    // A clean environment for the child test run: without NODE_TEST_CONTEXT it is a run of its own.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=latchkey-source', '--test', '--test-reporter=spec', file],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...env, DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/test' },
      },
    );
    const output = result.stdout + result.stderr;
    assert.notEqual(result.status, 0, output);
    assert.match(output, /PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
    assert.match(output, /docker run/);
    assert.doesNotMatch(output, /hunter2/);
    assert.match(output, /# skipped 0|ℹ skipped 0/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
