import { createRequire } from 'node:module';

/**
 * Kysely, loaded from its CommonJS build. Its ES-module build is ~450 modules, and as ES-module records
 * they cost ~7 MB more resident memory than the same code as CommonJS (over a bare Node: +20 MB as ESM,
 * +13 MB as CJS), which an idle provider carries for its whole life. Every import of Kysely in this
 * repository goes through this module, so one copy of its classes exists (no dual-package hazard).
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof import('kysely');

export const { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql } = kysely;
export type CompiledQuery<R = unknown> = import('kysely').CompiledQuery<R>;
export type Kysely<DB> = import('kysely').Kysely<DB>;
export type PostgresDialect = import('kysely').PostgresDialect;
export type SqliteDialect = import('kysely').SqliteDialect;
export type SqliteDriver = import('kysely').SqliteDriver;
export type {
  ColumnType,
  DatabaseConnection,
  Driver,
  Generated,
  Insertable,
  RawBuilder,
  Selectable,
  SqliteDatabase,
  SqliteDialectConfig,
  SqliteStatement,
  Transaction,
  Updateable,
} from 'kysely';
