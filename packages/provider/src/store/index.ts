import { type Database, type Kysely, openDatabase, runMigrations, sql } from '@latchkey/store';
import { createAuditStore } from './audit.js';
import { createAuthorizationCodeStore } from './authorization-codes.js';
import { createClientRegistrationStore, createInitialAccessTokenStore } from './client-registrations.js';
import { createClientStore } from './clients.js';
import { createConsentStore } from './consents.js';
import { createDeviceCodeStore } from './device-codes.js';
import { createEmailLinkStore } from './email-links.js';
import { createFactorStore } from './factors.js';
import { createGrantStore } from './grants.js';
import { createGroupStore } from './groups.js';
import { createIdentityStore } from './identities.js';
import { createLeaseStore } from './leases.js';
import { providerMigrations } from './migrations/index.js';
import { createPushedRequestStore } from './pushed-requests.js';
import { createRefreshTokenStore } from './refresh-tokens.js';
import { createReplayCache } from './replay-cache.js';
import { createRequestRateStore } from './request-rates.js';
import { createRuntimeSettingStore } from './runtime-settings.js';
import type { ProviderSchema } from './schema.js';
import { createSessionStore } from './sessions.js';
import { createSigningKeyStore } from './signing-keys.js';
import { createThrottleStore } from './throttles.js';
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
    sessions: createSessionStore(db),
    consents: createConsentStore(db),
    grants: createGrantStore(db),
    authorizationCodes: createAuthorizationCodeStore(db),
    audit: createAuditStore(db),
    refreshTokens: createRefreshTokenStore(db),
    deviceCodes: createDeviceCodeStore(db),
    replayCache: createReplayCache(db),
    throttles: createThrottleStore(db),
    emailLinks: createEmailLinkStore(db),
    requestRates: createRequestRateStore(db),
    groups: createGroupStore(db),
    clientRegistrations: createClientRegistrationStore(db),
    initialAccessTokens: createInitialAccessTokenStore(db),
    pushedRequests: createPushedRequestStore(db),
    identities: createIdentityStore(db),
    factors: createFactorStore(db),
    settings: createRuntimeSettingStore(db),
    migrate: () => runMigrations(database, providerMigrations),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => database.close(),
  };
}

export { MAX_AUDIT_LIST_LIMIT } from './audit.js';
export { providerMigrations } from './migrations/index.js';
export * from './types.js';
