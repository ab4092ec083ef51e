import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { type DeviceFixture, deviceFixture } from '../device/fixture.js';
import { recordAuthorizationCode, recordSession } from '../helpers/authorization.js';
import { type PrivateKeyJwtFixture, privateKeyJwtFixture } from '../private-key-jwt/fixture.js';
import { type LifecycleFixture, lifecycleFixture, REDIRECT_URI } from '../refresh/fixture.js';

/**
 * Standing concurrency tests (issue 20, "How it is checked"): every single-use value is spent by many
 * requests at once through POST /token, and exactly one of them wins. The two-racer versions beside
 * each feature, and the store races at both isolation levels, stay where they are.
 */
const RACERS = 20;

const successes = (responses: readonly { statusCode: number }[]) =>
  responses.filter((r) => r.statusCode === 200).length;

describeEachDialect('single-use values spent by many requests at once', (ctx) => {
  let f: LifecycleFixture;
  before(async () => {
    f = await lifecycleFixture({ url: await ctx.freshUrl() });
  });
  after(() => f.close());

  test(`A1: ${RACERS} parallel redemptions of one authorization code: exactly one gets tokens, every other is invalid_grant`, async () => {
    const now = f.clock.now();
    const sid = await recordSession(f.stores.sessions, { userId: f.user.id, authTime: now - 5, now });
    const { code, verifier, grantId } = await recordAuthorizationCode(f.stores, {
      clientId: 'web',
      userId: f.user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid'],
      sid,
      authTime: now - 5,
      createdAt: now,
    });
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
    const responses = await Promise.all(Array.from({ length: RACERS }, () => f.token(form, f.auth('web'))));
    assert.equal(successes(responses), 1, responses.map((r) => r.statusCode).join(' '));
    for (const loser of responses.filter((r) => r.statusCode !== 200)) {
      assert.equal(loser.statusCode, 400);
      assert.equal(loser.json().error, 'invalid_grant');
    }
    // A1: a replay revokes what the winner got.
    assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null);
  });

  test(`R1: ${RACERS} parallel refreshes of one refresh token: exactly one gets a new token, the family is revoked`, async () => {
    const { body, grantId } = await f.signIn();
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () => f.refresh(body['refresh_token']!)),
    );
    assert.equal(successes(responses), 1, responses.map((r) => r.statusCode).join(' '));
    for (const loser of responses.filter((r) => r.statusCode !== 200)) {
      assert.equal(loser.json().error, 'invalid_grant');
    }
    assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null);
  });
});

describe('a device code polled by many requests at once', () => {
  let f: DeviceFixture;
  before(async () => {
    f = await deviceFixture();
  });
  after(() => f.close());

  test(`${RACERS} parallel polls of one approved device code: exactly one gets tokens (RFC 8628 §3.5)`, async () => {
    const { device_code, user_code } = await f.start();
    await f.approve(user_code);
    const responses = await Promise.all(Array.from({ length: RACERS }, () => f.poll(device_code)));
    assert.equal(successes(responses), 1, responses.map((r) => r.statusCode).join(' '));
    assert.ok(responses.every((r) => r.statusCode === 200 || r.statusCode === 400));
  });
});

describe('a private_key_jwt assertion sent by many requests at once', () => {
  let f: PrivateKeyJwtFixture;
  before(async () => {
    f = await privateKeyJwtFixture();
  });
  after(() => f.close());

  test(`C3: ${RACERS} parallel token requests with one client assertion (one jti): exactly one is authenticated`, async () => {
    const assertion = f.withAssertion(f.assertion());
    const responses = await Promise.all(Array.from({ length: RACERS }, () => f.redeem('pkjwt', assertion)));
    assert.equal(successes(responses), 1, responses.map((r) => r.statusCode).join(' '));
    for (const loser of responses.filter((r) => r.statusCode !== 200)) {
      assert.equal(loser.statusCode, 401);
      assert.equal(loser.json().error, 'invalid_client');
    }
  });
});
