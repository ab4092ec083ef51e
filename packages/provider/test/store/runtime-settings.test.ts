import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from '@latchkey/store';
import { describeEachDialect } from '@latchkey/store/testing';
import { contended, lockRows, NOW, openMigratedStores, twoInstances } from './fixtures.js';

const actor = { type: 'cli', id: 'ops' };
const override = (name: string, value: unknown) => ({ name, value, updatedAt: NOW, actor });

describeEachDialect('runtime setting store', (ctx) => {
  test('starts with no override at revision 0', async (t) => {
    const { settings } = await openMigratedStores(ctx, t);
    assert.equal(await settings.revision(), 0);
    assert.deepEqual(await settings.read(), { revision: 0, overrides: [] });
  });

  test('sets, replaces and removes overrides, each change bumping the revision', async (t) => {
    const { settings } = await openMigratedStores(ctx, t);
    assert.equal(
      await settings.change(0, { set: [override('tokens.accessTokenLifetime', 300)], remove: [] }),
      1,
    );
    assert.equal(
      await settings.change(1, {
        set: [override('tokens.accessTokenLifetime', 120), override('selfRegistration.enabled', true)],
        remove: [],
      }),
      2,
    );
    assert.deepEqual(await settings.read(), {
      revision: 2,
      overrides: [override('selfRegistration.enabled', true), override('tokens.accessTokenLifetime', 120)],
    });
    assert.equal(await settings.change(2, { set: [], remove: ['tokens.accessTokenLifetime'] }), 3);
    assert.deepEqual((await settings.read()).overrides, [override('selfRegistration.enabled', true)]);
  });

  test('refuses a change made against an old revision, and writes nothing', async (t) => {
    const { settings } = await openMigratedStores(ctx, t);
    await settings.change(0, { set: [override('passwords.minLength', 14)], remove: [] });
    assert.equal(
      await settings.change(0, { set: [override('passwords.minLength', 20)], remove: [] }),
      undefined,
    );
    assert.deepEqual(await settings.read(), {
      revision: 1,
      overrides: [override('passwords.minLength', 14)],
    });
  });

  for (const serializable of [false, true]) {
    test(`of concurrent changes against one revision from two instances, exactly one applies${serializable ? ' (SERIALIZABLE)' : ''}`, async (t) => {
      const { url, one, two } = await twoInstances(ctx, t, { serializable });
      const results = await contended(
        ctx,
        url,
        t,
        {
          hold: lockRows('runtime_settings_revision', sql`id = 1`),
          table: 'runtime_settings_revision',
          racers: 2,
        },
        () =>
          Promise.all(
            [one, two].map((stores, i) =>
              stores.settings.change(0, { set: [override('passwords.minLength', 14 + i)], remove: [] }),
            ),
          ),
      );
      assert.deepEqual(
        results.filter((r) => r !== undefined),
        [1],
      );
      const state = await two.settings.read();
      assert.equal(state.revision, 1);
      assert.equal(state.overrides.length, 1);
    });
  }
});
