import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMigrations, sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { type OpenedProviderStores, providerMigrations } from '../../src/store/index.js';
import type { ClientRecord, GrantRecord } from '../../src/store/types.js';
import {
  authorizationCode,
  client,
  grant,
  NOW,
  openStoresOn,
  refreshToken,
  session,
  user,
} from './fixtures.js';

const ALL = providerMigrations.migrations.map((m) => m.name);
const TABLES = [
  'clients',
  'users',
  'signing_keys',
  'leases',
  'sessions',
  'consents',
  'grants',
  'authorization_codes',
  'audit_events',
  'refresh_tokens',
  'device_codes',
  'replay_cache',
  'throttles',
  'groups',
  'group_members',
];

describeEachDialect('provider migrations', (ctx) => {
  test('are not run when the stores are opened, only when migrate() is called', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    await assert.rejects(stores.clients.list());
    assert.deepEqual(await stores.migrate(), { applied: ALL });
    assert.deepEqual(await stores.clients.list(), []);
  });

  test('create every table, and apply nothing the second time', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    assert.deepEqual(await stores.migrate(), { applied: ALL });
    assert.deepEqual(await stores.migrate(), { applied: [] });
    for (const table of TABLES) {
      await sql`select count(*) as n from ${sql.table(table)}`.execute(stores.database.db);
    }
  });

  test('upgrade a database from the first release, keeping its rows and adding the sign-in tables', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    const [first, ...later] = providerMigrations.migrations;
    assert.ok(first);
    await runMigrations(stores.database, { ...providerMigrations, migrations: [first] });
    await stores.users.create(user());
    assert.deepEqual(await stores.migrate(), { applied: later.map((m) => m.name) });
    assert.deepEqual(await stores.users.getById(user().id), user());
    await stores.sessions.create(session());
    assert.deepEqual(await stores.sessions.getBySid(session().sid), session());
    await stores.audit.append({ type: 'migrated', at: NOW });
    assert.equal((await stores.audit.list({ limit: 1 }))[0]?.type, 'migrated');
  });

  test('upgrade a database from the sign-in release to the token lifecycle, keeping its grants and codes', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    const signInRelease = providerMigrations.migrations.slice(0, 2);
    assert.equal(signInRelease.at(-1)?.name, '0002-sign-in');
    await runMigrations(stores.database, { ...providerMigrations, migrations: signInRelease });
    await insertGrantWithoutResources(stores, grant());
    await stores.authorizationCodes.create(authorizationCode());
    assert.deepEqual(await stores.migrate(), { applied: ALL.slice(2) });
    assert.deepEqual(await stores.grants.get(grant().id), grant());
    assert.equal(
      (await stores.authorizationCodes.consume(authorizationCode().codeHash, NOW)).status,
      'consumed',
    );
    await stores.refreshTokens.create(refreshToken());
    assert.deepEqual(await stores.refreshTokens.get(refreshToken().tokenHash), refreshToken());
  });

  test('upgrade a database from the token lifecycle release: its grants authorized no resources', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    const tokenLifecycleRelease = providerMigrations.migrations.slice(0, 3);
    assert.equal(tokenLifecycleRelease.at(-1)?.name, '0003-token-lifecycle');
    await runMigrations(stores.database, { ...providerMigrations, migrations: tokenLifecycleRelease });
    await insertGrantWithoutResources(stores, grant({ scopes: ['openid', 'offline_access'] }));
    assert.deepEqual(await stores.migrate(), { applied: ALL.slice(3) });
    assert.deepEqual((await stores.grants.get(grant().id))?.resources, []);
    await stores.grants.create(grant({ id: 'g-api', resources: ['https://api.example'] }));
    assert.deepEqual((await stores.grants.get('g-api'))?.resources, ['https://api.example']);
  });

  test('upgrade a database from the throttles release to the admin model: clients enabled, users live', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    const throttlesRelease = providerMigrations.migrations.filter((m) => m.name <= '0005-throttles');
    assert.equal(throttlesRelease.at(-1)?.name, '0005-throttles');
    await runMigrations(stores.database, { ...providerMigrations, migrations: throttlesRelease });
    await insertClientAsBeforeAdminModel(stores, client());
    await sql`insert into users (id, username, email, email_verified, profile, password_hash,
        password_changed_at, disabled, created_at, updated_at)
      values ('u-old', 'old-timer', null, 0, '{}', null, null, 0, ${NOW}, ${NOW})`.execute(
      stores.database.db,
    );
    assert.deepEqual(await stores.migrate(), { applied: ALL.slice(throttlesRelease.length) });
    assert.deepEqual(await stores.clients.get(client().clientId), client());
    assert.deepEqual(
      (await stores.users.list()).map((u) => u.username),
      ['old-timer'],
    );
    assert.deepEqual(await stores.groups.list(), []);
  });

  test('upgrade a database from before consented claims: its consents named no claims', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    const before = providerMigrations.migrations.slice(0, ALL.indexOf('0010-consented-claims'));
    await runMigrations(stores.database, { ...providerMigrations, migrations: before });
    await stores.users.create(user());
    await stores.clients.create(client());
    await sql`insert into consents (user_id, client_id, scopes, granted_at)
      values (${user().id}, ${client().clientId}, ${JSON.stringify(['openid', 'email'])}, ${NOW})`.execute(
      stores.database.db,
    );
    assert.deepEqual(await stores.migrate(), { applied: ALL.slice(before.length) });
    const consent = await stores.consents.get(user().id, client().clientId);
    assert.deepEqual(consent?.scopes, ['openid', 'email']);
    assert.deepEqual(consent?.claims, []);
  });

  test('succeed for two instances migrating one database at once', async (t) => {
    const url = await ctx.freshUrl();
    const one = await openStoresOn(url, t);
    const two = ctx.dialect === 'postgres' ? await openStoresOn(url, t) : one;
    const [a, b] = await Promise.all([one.migrate(), two.migrate()]);
    assert.deepEqual([...a.applied, ...b.applied].sort(), ALL);
    assert.deepEqual(await two.clients.list(), []);
  });

  test('answer ping once opened, and refuse queries once closed', async (t) => {
    const stores = await openStoresOn(await ctx.freshUrl(), t);
    await stores.ping();
    await stores.close();
    await assert.rejects(stores.ping());
  });
});

/** A grant row as releases before 0004 wrote it: the current grant store writes `resources` too. */
async function insertGrantWithoutResources(stores: OpenedProviderStores, record: GrantRecord): Promise<void> {
  await sql`insert into grants (id, client_id, user_id, scopes, sid, created_at, revoked_at)
    values (${record.id}, ${record.clientId}, ${record.userId}, ${JSON.stringify(record.scopes)},
      ${record.sid}, ${record.createdAt}, ${record.revokedAt})`.execute(stores.database.db);
}

/** A client row as releases before 0007 wrote it: no disabled flag, no previous secret. */
async function insertClientAsBeforeAdminModel(stores: OpenedProviderStores, c: ClientRecord): Promise<void> {
  await sql`insert into clients (client_id, name, type, secret_hash, redirect_uris, post_logout_redirect_uris,
      grant_types, scopes, token_endpoint_auth_method, id_token_signed_response_alg, jwks, jwks_uri,
      allowed_resources, backchannel_logout_uri, created_at, updated_at)
    values (${c.clientId}, ${c.name}, ${c.type}, ${c.secretHash}, ${JSON.stringify(c.redirectUris)},
      ${JSON.stringify(c.postLogoutRedirectUris)}, ${JSON.stringify(c.grantTypes)}, ${JSON.stringify(c.scopes)},
      ${c.tokenEndpointAuthMethod}, ${c.idTokenSignedResponseAlg}, ${null}, ${c.jwksUri},
      ${JSON.stringify(c.allowedResources)}, ${c.backchannelLogoutUri}, ${c.createdAt}, ${c.updatedAt})`.execute(
    stores.database.db,
  );
}
