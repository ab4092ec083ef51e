import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type DatabaseTarget, parseDatabaseUrl, redactDatabaseUrl } from '../src/lib/database-url.js';

describe('parseDatabaseUrl', () => {
  const accepted: { url: string; target: DatabaseTarget }[] = [
    {
      url: 'postgres://app:pw@db.internal:5432/latchkey',
      target: { dialect: 'postgres', connectionString: 'postgres://app:pw@db.internal:5432/latchkey' },
    },
    {
      url: 'postgresql://app@db/latchkey?sslmode=require',
      target: { dialect: 'postgres', connectionString: 'postgresql://app@db/latchkey?sslmode=require' },
    },
    {
      url: 'sqlite:data/latchkey.db',
      target: { dialect: 'sqlite', path: 'data/latchkey.db', inMemory: false },
    },
    {
      url: 'sqlite:///var/lib/latchkey.db',
      target: { dialect: 'sqlite', path: '/var/lib/latchkey.db', inMemory: false },
    },
    { url: 'sqlite::memory:', target: { dialect: 'sqlite', path: ':memory:', inMemory: true } },
  ];
  for (const { url, target } of accepted) {
    test(`reads ${url} as ${target.dialect}`, () => {
      assert.deepEqual(parseDatabaseUrl(url), target);
    });
  }

  const rejected = [
    { url: '', names: 'Database URL is empty' },
    { url: '   ', names: 'Database URL is empty' },
    { url: 'mysql://root:hunter2@db/app', names: '"mysql://root@db/app"' },
    { url: 'postgres://', names: '"postgres://"' },
    { url: 'postgres://user:hunter2@/db', names: '"postgres://user@/db"' },
    { url: 'sqlite:', names: '"sqlite:"' },
    // A bare word or path once became a SQLite file of that name, and `client list` said "No clients yet".
    { url: 'nonsense', names: '"nonsense"' },
    { url: './latchkey.db', names: '"./latchkey.db"' },
    { url: 'file:/tmp/x.db', names: '"file:/tmp/x.db"' },
    { url: 'redis://:hunter2@127.0.0.1:6379', names: '"redis://@127.0.0.1:6379"' },
  ];
  for (const { url, names } of rejected) {
    test(`rejects ${JSON.stringify(url)} with a message naming it, without the password`, () => {
      assert.throws(
        () => parseDatabaseUrl(url),
        (error: Error) => error.message.includes(names) && !error.message.includes('hunter2'),
      );
    });
  }
});

describe('redactDatabaseUrl', () => {
  const cases = [
    { url: 'postgres://app:s3cret@db:5432/x', redacted: 'postgres://app@db:5432/x' },
    { url: 'postgres://app:s3/cr?et@db/x', redacted: 'postgres://app@db/x' },
    { url: 'postgres://app@db/x', redacted: 'postgres://app@db/x' },
    {
      url: 'postgres://db/x?user=app&password=s3cret&sslmode=require',
      redacted: 'postgres://db/x?user=app&password=***&sslmode=require',
    },
    { url: 'sqlite:data/x.db', redacted: 'sqlite:data/x.db' },
  ];
  for (const { url, redacted } of cases) {
    test(`removes the password from ${redacted}`, () => {
      assert.equal(redactDatabaseUrl(url), redacted);
    });
  }
});
