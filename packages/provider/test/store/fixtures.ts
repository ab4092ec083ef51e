import type { TestContext } from 'node:test';
import { type Kysely, type RawBuilder, sql, type Transaction } from '@latchkey/store';
import { type DialectContext, untilSessionsWaitForLocks } from '@latchkey/store/testing';
import { type OpenedProviderStores, openProviderStores } from '../../src/store/index.js';
import type { ProviderSchema } from '../../src/store/schema.js';
import type {
  AuthorizationCodeRecord,
  ClientRecord,
  DeviceCodeRecord,
  GrantRecord,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  SigningKeyState,
  UserRecord,
} from '../../src/store/types.js';

export const NOW = 1_800_000_000;

/** Provider stores on a fresh, migrated database of the suite's dialect, closed when the test ends. */
export async function openMigratedStores(ctx: DialectContext, t: TestContext): Promise<OpenedProviderStores> {
  return openStoresOn(await ctx.freshUrl(), t, { migrate: true });
}

/** Another instance's view of a database (its own pool), closed when the test ends. */
export async function openStoresOn(
  url: string,
  t: TestContext,
  { migrate = false } = {},
): Promise<OpenedProviderStores> {
  const stores = await openProviderStores(url, { poolSize: 2 });
  t.after(() => stores.close());
  if (migrate) await stores.migrate();
  return stores;
}

export function client(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: 'app',
    name: 'The App',
    type: 'confidential',
    secretHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
    redirectUris: ['https://app.example.com/callback', 'http://127.0.0.1:8080/cb'],
    postLogoutRedirectUris: ['https://app.example.com/'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'email'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSignedResponseAlg: 'ES256',
    jwks: null,
    jwksUri: null,
    allowedResources: ['https://api.example.com'],
    backchannelLogoutUri: null,
    disabled: false,
    previousSecret: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'u-7f3a9c',
    username: 'alice',
    email: 'alice@example.com',
    emailVerified: true,
    profile: {
      name: 'Alice Liddell',
      locale: 'en-GB',
      address: { country: 'GB' },
      phone_number_verified: false,
    },
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    passwordChangedAt: NOW,
    disabled: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

/** Stores with the fixture user and client in them, for the records that belong to them. */
export async function openStoresWithUserAndClient(
  ctx: DialectContext,
  t: TestContext,
): Promise<OpenedProviderStores> {
  const stores = await openMigratedStores(ctx, t);
  await stores.users.create(user());
  await stores.clients.create(client());
  return stores;
}

export function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    idHash: 'aGFzaC1vZi1jb29raWUtc2Vzc2lvbi1pZA',
    sid: 'sid-1',
    userId: user().id,
    authTime: NOW,
    amr: ['pwd'],
    acr: null,
    createdAt: NOW,
    lastSeenAt: NOW,
    expiresAt: NOW + 3600,
    endedAt: null,
    ...overrides,
  };
}

export function grant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: 'g-1',
    clientId: client().clientId,
    userId: user().id,
    scopes: ['openid', 'profile'],
    resources: [],
    sid: 'sid-1',
    createdAt: NOW,
    revokedAt: null,
    ...overrides,
  };
}

export function authorizationCode(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: 'c29tZS1oYXNoLW9mLWEtY29kZQ',
    grantId: 'g-1',
    clientId: client().clientId,
    userId: user().id,
    redirectUri: 'https://app.example.com/callback',
    scopes: ['openid', 'profile'],
    nonce: 'n-0S6_WzA2Mj',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    dpopJkt: null,
    sid: 'sid-1',
    authTime: NOW - 5,
    acr: null,
    amr: ['pwd'],
    claimsRequest: '{"id_token":{"email":{"essential":true}}}',
    resources: ['https://api.example.com'],
    createdAt: NOW,
    expiresAt: NOW + 60,
    consumedAt: null,
    ...overrides,
  };
}

export function refreshToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: 'cmVmcmVzaC10b2tlbi1oYXNoLW9uZQ',
    grantId: 'g-1',
    clientId: client().clientId,
    userId: user().id,
    scopes: ['openid', 'profile', 'offline_access'],
    createdAt: NOW,
    idleExpiresAt: NOW + 86_400,
    absoluteExpiresAt: NOW + 30 * 86_400,
    rotatedAt: null,
    ...overrides,
  };
}

export function deviceCode(overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    deviceCodeHash: 'ZGV2aWNlLWNvZGUtaGFzaC1vbmU',
    userCode: 'WDJBMJHT',
    clientId: client().clientId,
    scopes: ['openid', 'profile'],
    resources: ['https://api.example.com'],
    status: 'pending',
    interval: 5,
    lastPolledAt: null,
    userId: null,
    grantId: null,
    sid: null,
    authTime: null,
    createdAt: NOW,
    expiresAt: NOW + 600,
    ...overrides,
  };
}

export function signingKey(
  kid: string,
  state: SigningKeyState,
  overrides: Partial<SigningKeyRecord> = {},
): SigningKeyRecord {
  return {
    kid,
    alg: 'ES256',
    state,
    publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, kid, alg: 'ES256', use: 'sig' },
    encryptedPrivateKey: `v1.iv.ciphertext-of-${kid}.tag`,
    createdAt: NOW,
    activatedAt: state === 'current' ? NOW : null,
    retiredAt: null,
    ...overrides,
  };
}

/**
 * Two views of one database, as two provider instances would have. On PostgreSQL they are two pools on
 * the same schema. On SQLite they are the same stores: one process keeps one connection per file
 * (better-sqlite3 waits for another connection's lock synchronously, which would stall the event loop),
 * and Kysely queues the racers on it; other processes (the CLI) are kept out by the file lock.
 */
export async function twoInstances(
  ctx: DialectContext,
  t: TestContext,
  { serializable = false } = {},
): Promise<{ url: string; one: OpenedProviderStores; two: OpenedProviderStores }> {
  const fresh = await ctx.freshUrl();
  const url = serializable && ctx.dialect === 'postgres' ? withSerializableTransactions(fresh) : fresh;
  const one = await openStoresOn(url, t, { migrate: true });
  const two = ctx.dialect === 'postgres' ? await openStoresOn(url, t) : one;
  return { url, one, two };
}

/**
 * Every transaction on connections from the URL runs SERIALIZABLE, as on CockroachDB: a statement that
 * loses a race fails with a serialization failure instead of re-reading the row.
 */
function withSerializableTransactions(url: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options') ?? '';
  parsed.searchParams.set('options', `${options} -c default_transaction_isolation=serializable`.trim());
  return parsed.toString();
}

/** What a third session does in its transaction to make the racers queue: lock a row, or claim a key. */
export type Hold = (trx: Transaction<ProviderSchema>) => Promise<unknown>;

const ROLL_BACK = Symbol('roll back');

/**
 * On PostgreSQL, runs `race` while a third session's transaction holds what `hold` took, and rolls that
 * transaction back only once `racers` statements on `table` are queued behind it, so the racers really
 * contend. On SQLite, just runs `race` (Kysely serialises the racers on the one connection).
 */
export async function contended<T>(
  ctx: DialectContext,
  url: string,
  t: TestContext,
  blocking: { hold: Hold; table: string; racers: number },
  race: () => Promise<T>,
): Promise<T> {
  if (ctx.dialect !== 'postgres') return race();
  const blocker = await openStoresOn(url, t);
  const db = blocker.database.db as Kysely<ProviderSchema>;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held: () => void = () => {};
  const isHeld = new Promise<void>((resolve) => {
    held = resolve;
  });
  const holding = db
    .transaction()
    .execute(async (trx) => {
      await blocking.hold(trx);
      held();
      await released;
      throw ROLL_BACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLL_BACK) throw error;
    });
  await Promise.race([isHeld, holding]);
  const result = race();
  try {
    await untilSessionsWaitForLocks(blocker.database, blocking.racers, blocking.table);
  } finally {
    release();
    await holding;
  }
  return result;
}

/** A `hold` that locks the rows `where` selects. */
export function lockRows(table: keyof ProviderSchema, where: RawBuilder<unknown>): Hold {
  return (trx) => sql`select 1 from ${sql.table(table)} where ${where} for update`.execute(trx);
}
