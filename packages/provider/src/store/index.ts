import { type Database, type Kysely, openDatabase, runMigrations, sql } from '@latchkey/store';
import { createClientStore } from './clients.js';
import { createLeaseStore } from './leases.js';
import { providerMigrations } from './migrations/index.js';
import type { ProviderSchema } from './schema.js';
import { createSigningKeyStore } from './signing-keys.js';
import type { ProviderStores } from './types.js';
import { createUserStore } from './users.js';

export interface OpenedProviderStores extends ProviderStores {
  /** Applies pending migrations. Never run implicitly: server start and `latchkey migrate` call it. */
  migrate(): Promise<{ applied: string[] }>;
  readonly database: Database;
}

export interface OpenProviderStoresOptions {
  /** PostgreSQL pool size; ignored for SQLite. */
  readonly poolSize?: number;
}

/** Opens the provider's database from a URL (SQLite or PostgreSQL) and builds every store over it. */
export async function openProviderStores(
  url: string,
  options: OpenProviderStoresOptions = {},
): Promise<OpenedProviderStores> {
  const database = await openDatabase(url, options);
  const db = database.db as Kysely<ProviderSchema>;
  return {
    database,
    clients: createClientStore(db),
    users: createUserStore(db),
    signingKeys: createSigningKeyStore(db),
    leases: createLeaseStore(db),
    migrate: () => runMigrations(database, providerMigrations),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => database.close(),
  };
}

export { providerMigrations } from './migrations/index.js';
export * from './types.js';
