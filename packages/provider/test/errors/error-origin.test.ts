/**
 * Issue 20 item 4: errors are classified by origin. Only a store call that failed for want of a database
 * is an outage (503); a client that aborts its request raises the same ECONNRESET from the request
 * stream and is not one. The log keeps an error's code while still censoring an OAuth `code`.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger, errorResponse } from '@latchkey/provider';
import { DatabaseUnavailableError } from '../../src/lib/database-unavailable.js';
import { markDatabaseOutages } from '../../src/store/mark-outages.js';
import { appWithCapturedLog } from '../helpers/logged-app.js';
import { openSocket } from '../helpers/raw-http.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifying errors by origin', () => {
  test('a connection error thrown by a store call becomes a 503 with Retry-After', async () => {
    const failing = { getById: async () => Promise.reject(withCode('ECONNREFUSED', 'connect ECONNREFUSED')) };
    const stores = markDatabaseOutages({ users: failing } as never) as { users: typeof failing };
    const error = await stores.users.getById().catch((e: unknown) => e);
    assert.ok(error instanceof DatabaseUnavailableError);
    const response = errorResponse(error);
    assert.equal(response.status, 503);
    assert.equal(response.headers['retry-after'], '5');
    assert.equal(response.body.error, 'temporarily_unavailable');
  });

  test('a store bug keeps its error (a 500), and the same code from elsewhere is no outage', async () => {
    const stores = markDatabaseOutages({
      users: { getById: async () => Promise.reject(withCode('42601', 'syntax error')) },
    } as never) as { users: { getById(): Promise<unknown> } };
    const bug = await stores.users.getById().catch((e: unknown) => e);
    assert.equal(errorResponse(bug).status, 500);
    // ECONNRESET from a request stream never went through a store.
    assert.equal(errorResponse(withCode('ECONNRESET', 'aborted')).status, 500);
  });

  test('a client that aborts its request body is logged as a rejected request, not as a database outage', async () => {
    const { app, lines, close } = await appWithCapturedLog('info');
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const socket = await openSocket((app.server.address() as AddressInfo).port);
      socket.write(
        'POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.resetAndDestroy();
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && !lines.some((l) => l.includes('request rejected')))
        await new Promise((resolve) => setTimeout(resolve, 20));
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(
        entries.filter((e) => e['msg'] === 'database unavailable' || Number(e['level']) >= 50),
        [],
      );
      const rejected = entries.find((e) => e['msg'] === 'request rejected');
      assert.ok(rejected, `the abort is logged as a rejected request: ${lines.join('')}`);
      assert.equal(rejected['debug'], 'ECONNRESET');
    } finally {
      await close();
    }
  });
});

describe('log redaction', () => {
  function logged(object: Record<string, unknown>): Record<string, unknown> {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    createLogger('info', sink).info(object, 'm');
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  }

  test("keeps an error's code (err.code), so an outage can be told from a client that hung up", () => {
    const line = logged({ err: withCode('ECONNRESET', 'aborted') });
    assert.equal((line['err'] as Record<string, unknown>)['code'], 'ECONNRESET');
    const sqlstate = logged({ database: { code: '57P01' } });
    assert.equal((sqlstate['database'] as Record<string, unknown>)['code'], '57P01');
  });

  test('still censors an OAuth code, at the top or nested, and a password however it looks', () => {
    const code = 'SplxlOBeZQQYbYS6WxSbIA-3kP7m0ccVlZqXEjnRvGw';
    const line = logged({ code, query: { code }, password: 'ECONNRESET' });
    assert.equal(line['code'], '[redacted]');
    assert.equal((line['query'] as Record<string, unknown>)['code'], '[redacted]');
    assert.equal(line['password'], '[redacted]');
  });
});
