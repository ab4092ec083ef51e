import type { Kysely } from 'kysely';
import type { Database } from './connect.js';
import { isUniqueViolation } from './errors.js';

export interface Migration {
  /** Unique within its set, e.g. `0001-initial`. Applied in list order, recorded by name. */
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a migration creates the schema it would be typed by
  up(db: Kysely<any>): Promise<void>;
}

export interface MigrationSet {
  /** Which package owns these migrations; names the table `latchkey_<namespace>_migrations`. */
  readonly namespace: string;
  readonly migrations: readonly Migration[];
}

export interface RunMigrationsOptions {
  /** Clock for the `applied_at` column, epoch seconds. */
  readonly now?: () => number;
}

const NAMESPACE = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Applies the migrations of one set that the database has not recorded, in order, and returns the names
 * it applied. Safe to run from several instances at once without advisory locks (DESIGN: portable to
 * CockroachDB and YugabyteDB): each migration runs in a transaction that first inserts its name into the
 * migrations table. The primary key makes racing instances conflict: on PostgreSQL the second insert
 * waits for the first transaction, then does nothing, and that instance skips the migration; if the
 * first rolled back, the second insert succeeds and that instance applies it. On SQLite the write
 * transactions simply queue. Kysely's Migrator is not used: on PostgreSQL it takes an advisory lock.
 */
export async function runMigrations(
  database: Database,
  set: MigrationSet,
  options: RunMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const table = migrationTable(set);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const { db } = database;
  await createMigrationTable(db, table);

  const recorded = new Set(
    (await db.selectFrom(table).select('name').execute()).map((row: { name: string }) => row.name),
  );
  const known = new Set(set.migrations.map((m) => m.name));
  const unknown = [...recorded].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    // A newer version migrated this database; running older code against it could corrupt data.
    throw new Error(
      `The database has ${set.namespace} migrations this version does not know (${unknown.join(', ')}); ` +
        'run a version that includes them',
    );
  }

  const applied: string[] = [];
  for (const migration of set.migrations) {
    if (recorded.has(migration.name)) continue;
    const ran = await applyOne(db, table, set.namespace, migration, now());
    if (ran) applied.push(migration.name);
  }
  return { applied };
}

function migrationTable(set: MigrationSet): string {
  if (!NAMESPACE.test(set.namespace)) {
    throw new TypeError(`Migration namespace must match ${NAMESPACE}, got "${set.namespace}"`);
  }
  const names = new Set<string>();
  for (const { name } of set.migrations) {
    if (typeof name !== 'string' || name === '' || name.length > 200) {
      throw new TypeError(`Migration names must be 1 to 200 characters (${set.namespace})`);
    }
    if (names.has(name)) throw new TypeError(`Duplicate migration name "${name}" in ${set.namespace}`);
    names.add(name);
  }
  return `latchkey_${set.namespace}_migrations`;
}

// biome-ignore lint/suspicious/noExplicitAny: see Migration.up
async function createMigrationTable(db: Kysely<any>, table: string): Promise<void> {
  const create = () =>
    db.schema
      .createTable(table)
      .ifNotExists()
      .addColumn('name', 'varchar(200)', (col) => col.primaryKey())
      .addColumn('applied_at', 'bigint', (col) => col.notNull())
      .execute();
  try {
    await create();
  } catch (error) {
    // Two PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at once: the loser can fail on the
    // catalog's unique index (23505) or with duplicate_table (42P07). The table exists now; check that.
    if (!isUniqueViolation(error) && (error as { code?: unknown }).code !== '42P07') throw error;
    await create();
  }
}

async function applyOne(
  // biome-ignore lint/suspicious/noExplicitAny: see Migration.up
  db: Kysely<any>,
  table: string,
  namespace: string,
  migration: Migration,
  appliedAt: number,
): Promise<boolean> {
  try {
    return await db.transaction().execute(async (trx) => {
      const claim = await trx
        .insertInto(table)
        .values({ name: migration.name, applied_at: appliedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      if (Number(claim.numInsertedOrUpdatedRows ?? 0n) === 0) return false; // another instance applied it
      await migration.up(trx);
      return true;
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${namespace}/${migration.name} failed and was rolled back: ${reason}`, {
      cause: error,
    });
  }
}
