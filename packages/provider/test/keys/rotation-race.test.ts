import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  createKeyManager,
  type KeyManager,
  openProviderStores,
  RotationRefusedError,
} from '@latchkey/provider';
import { describeEachDialect } from '@latchkey/store/testing';
import { frozenClock, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

describeEachDialect('two provider instances on one database', (ctx) => {
  async function twoInstances() {
    const url = await ctx.freshUrl();
    const config = testConfig({ databaseUrl: url, keys: { algorithms: ['RS256'] } });
    const clock = frozenClock(Math.floor(Date.now() / 1000));
    const instances: KeyManager[] = [];
    const storeSets = [];
    for (const name of ['a', 'b']) {
      const stores = await openProviderStores(url);
      storeSets.push(stores);
      after(() => stores.close());
      instances.push(
        createKeyManager({
          config,
          stores,
          now: clock.now,
          secret: TEST_SECRET,
          instanceId: `instance-${name}`,
        }),
      );
    }
    await storeSets[0]!.migrate();
    after(() => Promise.all(instances.map((m) => m.stop())));
    return { config, clock, instances, stores: storeSets[0]! };
  }

  test('starting together creates exactly one current and one next key', async () => {
    const { instances, stores } = await twoInstances();
    await Promise.all(instances.map((m) => m.start()));
    const keys = await stores.signingKeys.list();
    assert.deepEqual(keys.map((k) => k.state).sort(), ['current', 'next']);
    assert.equal(instances[0]!.signingKey('RS256').kid, instances[1]!.signingKey('RS256').kid);
  });

  test('racing to rotate on schedule produces exactly one new key, and both sign with it', async () => {
    const { instances, stores, clock, config } = await twoInstances();
    await Promise.all(instances.map((m) => m.start()));
    const before = await stores.signingKeys.list();
    clock.advance(config.keys.rotationInterval);
    await Promise.all(instances.map((m) => m.refresh()));
    await Promise.all(instances.map((m) => m.refresh()));
    const afterRotation = await stores.signingKeys.list();
    assert.equal(afterRotation.length, before.length + 1);
    assert.deepEqual(afterRotation.map((k) => k.state).sort(), ['current', 'next', 'retired']);
    assert.equal(instances[0]!.signingKey('RS256').kid, instances[1]!.signingKey('RS256').kid);
  });

  test('racing forced rotations (latchkey keys rotate twice at once) apply exactly one', async () => {
    const { instances, stores, clock, config } = await twoInstances();
    await Promise.all(instances.map((m) => m.start()));
    clock.advance(config.keys.jwksMaxAge + config.keys.reloadInterval);
    const results = await Promise.allSettled(instances.map((m) => m.rotate({ force: true })));
    const applied = results.filter((r) => r.status === 'fulfilled' && r.value.applied);
    assert.equal(applied.length, 1);
    // The loser either lost the compare-and-set, or (if it read after the winner) was refused because
    // the fresh next key is not yet published long enough. Either way it changed nothing.
    for (const r of results.filter((r) => !(r.status === 'fulfilled' && r.value.applied))) {
      if (r.status === 'rejected') assert.ok(r.reason instanceof RotationRefusedError, String(r.reason));
    }
    const keys = await stores.signingKeys.list();
    assert.equal(keys.length, 3);
    assert.deepEqual(keys.map((k) => k.state).sort(), ['current', 'next', 'retired']);
  });
});
