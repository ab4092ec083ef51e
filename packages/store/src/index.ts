// The query builder, re-exported so packages that keep their tables here depend on one Kysely.

export { type Database, type Dialect, type OpenDatabaseOptions, openDatabase } from './connect.js';
export { isSerializationFailure, isUniqueViolation, uniqueViolationTarget } from './errors.js';
export { parseDatabaseUrl, redactDatabaseUrl } from './lib/database-url.js';
export {
  type ColumnType,
  type CompiledQuery,
  type Generated,
  type Insertable,
  Kysely,
  type RawBuilder,
  type Selectable,
  sql,
  type Transaction,
  type Updateable,
} from './lib/kysely.js';
export { type Migration, type MigrationSet, type RunMigrationsOptions, runMigrations } from './migrate.js';
export { withTransaction } from './transaction.js';
