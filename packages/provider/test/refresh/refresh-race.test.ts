import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { type LifecycleFixture, lifecycleFixture } from './fixture.js';

describeEachDialect('two concurrent redemptions of one refresh token through POST /token', (ctx) => {
  let f: LifecycleFixture;
  before(async () => {
    f = await lifecycleFixture({ url: await ctx.freshUrl() });
  });
  after(() => f.close());

  test('R1: exactly one of two concurrent refreshes wins, the other is invalid_grant and the family is revoked', async () => {
    for (let round = 0; round < 5; round++) {
      const { body, grantId } = await f.signIn();
      const responses = await Promise.all([f.refresh(body.refresh_token!), f.refresh(body.refresh_token!)]);
      const statuses = responses.map((r) => r.statusCode).sort();
      assert.deepEqual(statuses, [200, 400], `round ${round}: ${responses.map((r) => r.body).join(' | ')}`);
      const loser = responses.find((r) => r.statusCode === 400)!;
      assert.equal(loser.json().error, 'invalid_grant');
      assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null, 'the family is revoked');
      const winner = responses.find((r) => r.statusCode === 200)!;
      assert.equal((await f.refresh(winner.json().refresh_token)).json().error, 'invalid_grant');
    }
  });
});
