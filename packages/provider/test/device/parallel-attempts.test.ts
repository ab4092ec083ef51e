import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from '@latchkey/store';
import { USER_CODE_POLICY } from '../../src/endpoints/device/index.js';
import type { OpenedProviderStores } from '../../src/store/index.js';
import { sqliteStores } from '../helpers/fixtures.js';
import { type DeviceFixture, deviceFixture } from './fixture.js';

const ATTEMPTS = 100;

/** The stores, with every user-code lookup the /device page makes counted. */
async function countingStores(): Promise<{ stores: OpenedProviderStores; lookups: string[] }> {
  const real = await sqliteStores();
  const lookups: string[] = [];
  const deviceCodes = {
    ...real.deviceCodes,
    getPendingByUserCode(userCode: string, now: number) {
      lookups.push(userCode);
      return real.deviceCodes.getPendingByUserCode(userCode, now);
    },
  };
  return { stores: { ...real, deviceCodes }, lookups };
}

const deviceCodeRows = async (f: DeviceFixture) =>
  Number(
    (await sql<{ n: number }>`select count(*) as n from device_codes`.execute(f.stores.database.db)).rows[0]!
      .n,
  );

describe('the /device page under parallel guesses', () => {
  let f: DeviceFixture;
  let lookups: string[];
  before(async () => {
    const counted = await countingStores();
    lookups = counted.lookups;
    f = await deviceFixture({}, { stores: counted.stores });
  });
  after(() => f.close());

  test(`L1: ${ATTEMPTS} parallel user-code guesses from one address look up at most the free allowance, and the right code in the batch is not let through`, async () => {
    const { user_code } = await f.start();
    const page = await f.app.inject({ method: 'GET', url: '/device' });
    const cookie = [page.headers['set-cookie']]
      .flat()
      .map((line) => String(line).split(';')[0])
      .join('; ');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!;
    const guess = (code: string) =>
      f.app.inject({
        method: 'POST',
        url: '/device',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie,
          origin: new URL(f.config.issuer).origin,
        },
        payload: new URLSearchParams({ csrf_token: csrf, user_code: code }).toString(),
      });
    lookups.length = 0;
    const responses = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) =>
        guess(i === ATTEMPTS - 1 ? user_code : `BCDF-GH${'BCDFGHJKLM'[i % 10]}K`),
      ),
    );
    assert.ok(lookups.length >= 1);
    assert.ok(
      lookups.length <= USER_CODE_POLICY.freeFailures,
      `${lookups.length} codes were looked up, more than the ${USER_CODE_POLICY.freeFailures} free`,
    );
    const statuses = responses.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s !== 429).length, lookups.length, 'every other guess got 429');
    assert.equal(statuses.at(-1), 429, 'the right code sent last waited like every other guess');
  });
});

describe('POST /device_authorization under a flood (L3)', () => {
  let f: DeviceFixture;
  before(async () => {
    f = await deviceFixture({ device: { authorizationsPerAddress: 10, authorizationsPerClient: 25 } });
  });
  after(() => f.close());

  const from = (remoteAddress: string) =>
    f.app.inject({
      method: 'POST',
      url: '/device_authorization',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'client_id=tv',
    });

  test(`L3: ${ATTEMPTS} parallel device authorizations from one address create at most the per-address limit of codes; the rest get 429 slow_down with Retry-After`, async () => {
    const before = await deviceCodeRows(f);
    const responses = await Promise.all(Array.from({ length: ATTEMPTS }, () => from('192.0.2.7')));
    const created = responses.filter((r) => r.statusCode === 200).length;
    assert.equal(created, 10);
    assert.equal((await deviceCodeRows(f)) - before, 10);
    for (const refused of responses.filter((r) => r.statusCode !== 200)) {
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error, 'slow_down');
      assert.equal(refused.headers['retry-after'], '6', 'one more every 60 / 10 seconds');
      assert.equal(refused.headers['cache-control'], 'no-store');
    }
    f.clock.advance(6);
    assert.equal((await from('192.0.2.7')).statusCode, 200, 'the rate refills');
    assert.equal((await from('192.0.2.7')).statusCode, 429);
    f.clock.advance(60);
  });

  test(`L3: ${ATTEMPTS} parallel device authorizations for one client from many addresses create at most the per-client limit`, async () => {
    const before = await deviceCodeRows(f);
    const responses = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) => from(`198.51.100.${i + 1}`)),
    );
    assert.equal(responses.filter((r) => r.statusCode === 200).length, 25);
    assert.equal((await deviceCodeRows(f)) - before, 25);
    assert.ok(responses.filter((r) => r.statusCode === 429).every((r) => r.json().error === 'slow_down'));
    f.clock.advance(60);
  });
});
