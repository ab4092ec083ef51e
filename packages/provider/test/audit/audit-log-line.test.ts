import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withAuditLog } from '../../src/audit/logged-audit-store.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { AuditEvent } from '../../src/store/types.js';
import { type LifecycleFixture, lifecycleFixture } from '../refresh/fixture.js';

let f: LifecycleFixture;
before(async () => {
  f = await lifecycleFixture();
});
after(() => f.close());

/** The provider's own logger (with its redaction), writing each line into `lines`. */
function recordingLogger(lines: Record<string, unknown>[]) {
  return createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
}

describe('the audit log line', () => {
  test('carries an event of known fields as it is', async () => {
    const lines: Record<string, unknown>[] = [];
    const { audit } = withAuditLog(f.stores, recordingLogger(lines));
    const event: AuditEvent = {
      type: 'token.revoked',
      at: f.clock.now(),
      userId: f.user.id,
      clientId: 'web',
      ip: '192.0.2.1',
      details: { tokenType: 'refresh_token' },
    };
    await audit.append(event);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['msg'], 'audit event');
    assert.deepEqual(lines[0]?.['audit'], event);
  });

  test('still goes through the redaction when the event carries a field of another name', async () => {
    const lines: Record<string, unknown>[] = [];
    const { audit } = withAuditLog(f.stores, recordingLogger(lines));
    // Not an AuditEvent's field: a caller that spread a request's parameters into the event.
    const event = { type: 'token.revoked', at: f.clock.now(), code: 'the-authorization-code' } as AuditEvent;
    await audit.append(event);
    assert.deepEqual(lines[0]?.['audit'], { type: 'token.revoked', at: event.at, code: '[redacted]' });
  });
});
