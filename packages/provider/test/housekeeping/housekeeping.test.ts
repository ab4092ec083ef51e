import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_SIZE, createHousekeeping, THROTTLE_IDLE_LIMIT } from '../../src/housekeeping/index.js';
import { ACCOUNT_POLICY } from '../../src/login/rate-limiter.js';
import type { ThrottleStore } from '../../src/store/types.js';
import { frozenClock, sqliteStores } from '../helpers/fixtures.js';

test('deletes expired codes, refresh tokens, device codes and replay entries, keeps live ones', async () => {
  const stores = await sqliteStores();
  const clock = frozenClock();
  const t = clock.now();
  const code = (hash: string, expiresAt: number) => ({
    codeHash: hash,
    grantId: 'g',
    clientId: 'c',
    userId: 'u',
    redirectUri: 'https://app.example/cb',
    scopes: ['openid'],
    nonce: null,
    codeChallenge: null,
    sid: 's',
    authTime: t,
    acr: null,
    amr: ['pwd'],
    claimsRequest: null,
    resources: [],
    createdAt: t - 100,
    expiresAt,
    consumedAt: null,
  });
  await stores.authorizationCodes.create(code('old', t - 1));
  await stores.authorizationCodes.create(code('live', t + 60));
  await stores.replayCache.remember('jti-old', t - 1, t - 10);
  await stores.replayCache.remember('jti-live', t + 60, t - 10);

  const housekeeping = createHousekeeping({ stores, now: clock.now, instanceId: 'a' });
  const result = await housekeeping.runOnce();
  assert.deepEqual(result, { ran: true, deleted: 2 });
  assert.equal((await stores.authorizationCodes.consume('live', t)).status, 'consumed');
  assert.equal((await stores.authorizationCodes.consume('old', t)).status, 'not_found');
  assert.equal(
    await stores.replayCache.remember('jti-live', t + 60, t),
    false,
    'a live entry still blocks a replay',
  );
  await housekeeping.stop();
});

test('in a cluster only the instance holding the lease runs a pass', async () => {
  const stores = await sqliteStores();
  const clock = frozenClock();
  const a = createHousekeeping({ stores, now: clock.now, instanceId: 'a' });
  const b = createHousekeeping({ stores, now: clock.now, instanceId: 'b' });
  assert.equal((await a.runOnce()).ran, true);
  assert.equal((await b.runOnce()).ran, false);
  await a.stop(); // releases the lease
  assert.equal((await b.runOnce()).ran, true);
  await b.stop();
});

test('deletes expired email links and keeps live ones', async () => {
  const stores = await sqliteStores();
  const clock = frozenClock();
  const t = clock.now();
  await stores.users.create({
    id: 'u-1',
    username: 'alice',
    email: 'alice@example.com',
    emailVerified: false,
    profile: {},
    passwordHash: null,
    passwordChangedAt: null,
    disabled: false,
    createdAt: t,
    updatedAt: t,
  });
  const link = (tokenHash: string, expiresAt: number) => ({
    tokenHash,
    purpose: 'verify-email' as const,
    userId: 'u-1',
    email: 'alice@example.com',
    createdAt: t - 100,
    expiresAt,
    consumedAt: null,
  });
  await stores.emailLinks.create(link('old', t - 1));
  await stores.emailLinks.create(link('live', t + 600));
  const housekeeping = createHousekeeping({ stores, now: clock.now, instanceId: 'a' });
  assert.deepEqual(await housekeeping.runOnce(), { ran: true, deleted: 1 });
  assert.ok(await stores.emailLinks.peek('live', 'verify-email', t));
  await housekeeping.stop();
});

test('L3: idle throttle counts, recovered request rates and expired device codes are pruned, in batches of BATCH_SIZE', async () => {
  const stores = await sqliteStores();
  const clock = frozenClock();
  const t = clock.now();
  const flood = 2 * BATCH_SIZE + 10;
  // A day-old flood of failed sign-ins with as many made-up usernames, and one count still in use.
  for (let i = 0; i < flood; i++)
    await stores.throttles.reserve(`typed-${i}`, t - THROTTLE_IDLE_LIMIT - 1, ACCOUNT_POLICY);
  await stores.throttles.reserve('recent', t - 10, ACCOUNT_POLICY);
  await stores.requestRates.take('spent', (t - 120) * 1000, { limit: 1, intervalMs: 60_000 });
  await stores.requestRates.take('busy', t * 1000, { limit: 1, intervalMs: 60_000 });
  const device = (hash: string, userCode: string, expiresAt: number) => ({
    deviceCodeHash: hash,
    userCode,
    clientId: 'tv',
    scopes: ['openid'],
    resources: [],
    status: 'pending' as const,
    interval: 5,
    lastPolledAt: null,
    userId: null,
    grantId: null,
    sid: null,
    authTime: null,
    createdAt: t - 700,
    expiresAt,
  });
  await stores.deviceCodes.create(device('dc-old', 'BCDFGHJK', t - 1));
  await stores.deviceCodes.create(device('dc-live', 'BCDFGHJL', t + 600));

  const limits: number[] = [];
  const throttles: ThrottleStore = {
    ...stores.throttles,
    deleteIdleSince(before, limit) {
      limits.push(limit ?? Number.POSITIVE_INFINITY);
      return stores.throttles.deleteIdleSince(before, limit);
    },
  };
  const housekeeping = createHousekeeping({
    stores: { ...stores, throttles },
    now: clock.now,
    instanceId: 'a',
  });
  assert.deepEqual(await housekeeping.runOnce(), { ran: true, deleted: flood + 2 });
  assert.deepEqual(limits, [BATCH_SIZE, BATCH_SIZE, BATCH_SIZE], 'three bounded statements');
  assert.notEqual(await stores.throttles.get('recent'), undefined);
  assert.equal(await stores.throttles.get('typed-0'), undefined);
  assert.equal(await stores.requestRates.take('busy', t * 1000, { limit: 1, intervalMs: 60_000 }), 60_000);
  assert.notEqual(await stores.deviceCodes.getPendingByUserCode('BCDFGHJL', t), undefined);
  await housekeeping.stop();
});

test('audit events past the retention are pruned in batches of BATCH_SIZE; newer ones are kept', async () => {
  const stores = await sqliteStores();
  const clock = frozenClock();
  const t = clock.now();
  const retention = 90 * 86_400;
  const expired = BATCH_SIZE + 5;
  for (let i = 0; i < expired; i++) await stores.audit.append({ type: 'old', at: t - retention - 1 - i });
  await stores.audit.append({ type: 'kept', at: t - retention + 1 });
  const limits: number[] = [];
  const audit = {
    ...stores.audit,
    deleteBefore(before: number, limit: number) {
      limits.push(limit);
      return stores.audit.deleteBefore(before, limit);
    },
  };
  const housekeeping = createHousekeeping({
    stores: { ...stores, audit },
    now: clock.now,
    instanceId: 'a',
    auditRetention: () => retention,
  });
  assert.deepEqual(await housekeeping.runOnce(), { ran: true, deleted: expired });
  assert.deepEqual(limits, [BATCH_SIZE, BATCH_SIZE], 'two bounded statements');
  assert.deepEqual(
    (await stores.audit.list({ limit: 10 })).map((e) => e.type),
    ['kept'],
  );
  await housekeeping.stop();
});
