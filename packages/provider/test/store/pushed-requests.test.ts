import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import type { PushedRequestRecord } from '../../src/store/types.js';
import { NOW, openMigratedStores, twoInstances } from './fixtures.js';

const REQUEST: PushedRequestRecord = {
  requestUriHash: 'hash-of-the-request-uri',
  clientId: 'app',
  params: [
    ['client_id', 'app'],
    ['resource', 'https://a.example.com'],
    ['resource', 'https://b.example.com'],
  ],
  expiresAt: NOW + 60,
};

describeEachDialect('pushed authorization request store', (ctx) => {
  test('gives a stored request back once, parameters in order, repeated names kept', async (t) => {
    const { pushedRequests } = await openMigratedStores(ctx, t);
    await pushedRequests.create(REQUEST);
    assert.deepEqual(await pushedRequests.consume(REQUEST.requestUriHash, NOW), REQUEST);
    assert.equal(await pushedRequests.consume(REQUEST.requestUriHash, NOW), undefined);
    assert.equal(await pushedRequests.consume('unknown', NOW), undefined);
  });

  test('never gives an expired request, and housekeeping deletes it', async (t) => {
    const { pushedRequests } = await openMigratedStores(ctx, t);
    await pushedRequests.create(REQUEST);
    assert.equal(await pushedRequests.consume(REQUEST.requestUriHash, NOW + 60), undefined);
    assert.equal(await pushedRequests.deleteExpired(NOW + 61), 1);
  });

  test('of many instances consuming one request at once, exactly one gets it', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.pushedRequests.create(REQUEST);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? one : two).pushedRequests.consume(REQUEST.requestUriHash, NOW),
      ),
    );
    assert.equal(results.filter((r) => r !== undefined).length, 1);
  });
});
