import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyManager } from '@latchkey/provider';
import { withAuditLog } from '../../src/audit/logged-audit-store.js';
import type { Logger } from '../../src/lib/logger.js';
import type { AuditEvent, AuditStore } from '../../src/store/types.js';
import { TEST_SECRET } from '../helpers/fixtures.js';
import { type LifecycleFixture, lifecycleFixture } from '../refresh/fixture.js';

let f: LifecycleFixture;
before(async () => {
  f = await lifecycleFixture();
});
after(() => f.close());

/** Every secret-shaped string of a token response, to prove none reaches the audit log. */
const secretsOf = (body: Record<string, unknown>) =>
  ['access_token', 'id_token', 'refresh_token']
    .map((k) => body[k])
    .filter((v) => typeof v === 'string') as string[];

describe('audit events', () => {
  test('a code redeemed and a refresh token rotated each record token.issued with identifiers only', async () => {
    const { grantId, body } = await f.signIn();
    const refreshed = await f.refresh(body['refresh_token']!);
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    const events = await f.stores.audit.list({ limit: 10, type: 'token.issued' });
    assert.equal(events.length, 2);
    const [second, first] = events;
    assert.equal(first!.userId, f.user.id);
    assert.equal(first!.clientId, 'web');
    assert.deepEqual(first!.details, { grantType: 'authorization_code', grantId, scope: body['scope'] });
    assert.equal(second!.details?.['grantType'], 'refresh_token');
    const stored = JSON.stringify(events);
    for (const secret of [...secretsOf(body), ...secretsOf(refreshed.json())]) {
      assert.ok(!stored.includes(secret), 'a token reached the audit log');
    }
  });

  test('a forced rotation records keys.rotated with the trigger and the changes', async () => {
    const manager = createKeyManager({
      config: f.config,
      stores: f.stores,
      now: f.clock.now,
      secret: TEST_SECRET,
    });
    const result = await manager.rotate({ force: true, ignorePublicationDelay: true });
    assert.equal(result.applied, true);
    const [event] = await f.stores.audit.list({ limit: 1, type: 'keys.rotated' });
    assert.equal(event?.details?.['trigger'], 'forced');
    assert.deepEqual(event?.details?.['changes'], result.reasons);
  });

  test('every event also goes to the structured log, written before the store is asked', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: Logger = { info: (o) => lines.push(o), warn: () => {}, error: () => {} };
    const failing: AuditStore = {
      append: async () => Promise.reject(new Error('database down')),
      list: async () => [],
      countSince: async () => 0,
      deleteBefore: async () => 0,
    };
    const { audit } = withAuditLog({ ...f.stores, audit: failing }, logger);
    const event: AuditEvent = { type: 'token.revoked', at: 1, clientId: 'web' };
    await assert.rejects(audit.append(event), /database down/);
    assert.deepEqual(lines, [{ audit: event }]);
  });
});
