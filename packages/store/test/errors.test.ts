import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSerializationFailure, isUniqueViolation, sql, uniqueViolationTarget } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';

describeEachDialect('unique violations', ({ open }) => {
  test('are recognised, with the primary key or index they hit', async () => {
    const { db } = await open();
    await sql`create table things (id text primary key, label text not null)`.execute(db);
    await sql`create unique index things_label_lower on things (lower(label))`.execute(db);
    await sql`insert into things (id, label) values ('a', 'one')`.execute(db);

    const duplicateId = await sql`insert into things (id, label) values ('a', 'two')`
      .execute(db)
      .catch((e) => e);
    assert.equal(isUniqueViolation(duplicateId), true);
    assert.match(uniqueViolationTarget(duplicateId) ?? '', /things_pkey|things\.id/);

    const duplicateLabel = await sql`insert into things (id, label) values ('b', 'ONE')`
      .execute(db)
      .catch((e) => e);
    assert.equal(isUniqueViolation(duplicateLabel), true);
    assert.match(uniqueViolationTarget(duplicateLabel) ?? '', /things_label_lower/);
  });

  test('are not confused with other errors', async () => {
    const { db } = await open();
    await sql`create table things (id text primary key, label text not null)`.execute(db);
    const notNull = await sql`insert into things (id) values ('a')`.execute(db).catch((e) => e);
    assert.equal(isUniqueViolation(notNull), false);
    assert.equal(uniqueViolationTarget(notNull), undefined);
    assert.equal(isSerializationFailure(notNull), false);
  });
});

test('nothing that is not a driver error counts as a unique violation or a serialization failure', () => {
  for (const value of [
    undefined,
    null,
    'SQLITE_CONSTRAINT_UNIQUE',
    23505,
    {},
    { code: 23505 },
    new Error('x'),
  ]) {
    assert.equal(isUniqueViolation(value), false);
    assert.equal(isSerializationFailure(value), false);
  }
  assert.equal(isSerializationFailure({ code: '40001' }), true);
  assert.equal(isSerializationFailure({ code: '40P01' }), true);
});
