import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { lazyChildLogger } from '../../src/lib/lazy-child-logger.js';
import { appWithCapturedLog } from '../helpers/logged-app.js';

/** The log lines the app writes while answering one request with an Authorization header. */
async function linesForOneRequest(requests: boolean | undefined): Promise<Record<string, unknown>[]> {
  const { app, lines, close } = await appWithCapturedLog(
    'info',
    requests === undefined ? {} : { logging: { requests } },
  );
  try {
    const response = await app.inject({
      url: '/.well-known/openid-configuration',
      headers: { authorization: 'Bearer a-credential-that-must-not-be-logged' },
    });
    assert.equal(response.statusCode, 200);
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  } finally {
    await close();
  }
}

test('writes no access log by default, even at info level', async () => {
  const lines = await linesForOneRequest(undefined);
  assert.deepEqual(
    lines.filter((line) => line['req'] !== undefined || line['res'] !== undefined),
    [],
  );
});

test('with logging.requests, logs each request received and completed, with the Authorization header redacted', async () => {
  const lines = await linesForOneRequest(true);
  const messages = lines.map((line) => line['msg']);
  assert.ok(messages.includes('incoming request'));
  assert.ok(messages.includes('request completed'));
  const text = JSON.stringify(lines);
  assert.ok(!text.includes('a-credential-that-must-not-be-logged'));
});

test('every line of a request carries its request id, and two requests have two ids', async () => {
  const { app, lines, close } = await appWithCapturedLog('info', { logging: { requests: true } });
  try {
    for (let i = 0; i < 2; i++) await app.inject({ url: '/.well-known/openid-configuration' });
    const ids = lines.map((line) => (JSON.parse(line) as Record<string, unknown>)['reqId']);
    assert.equal(ids.length, 4);
    assert.ok(ids.every((id) => typeof id === 'string' && id !== ''));
    assert.equal(ids[0], ids[1]);
    assert.equal(ids[2], ids[3]);
    assert.notEqual(ids[0], ids[2]);
  } finally {
    await close();
  }
});

describe('lazyChildLogger', () => {
  /** A parent that records the children it makes and what they write. */
  function recordingParent() {
    const made: { bindings: Record<string, unknown>; written: unknown[][] }[] = [];
    const parent = {
      level: 'info',
      child(bindings: Record<string, unknown>) {
        const written: unknown[][] = [];
        made.push({ bindings, written });
        const log = (...args: unknown[]) => written.push(args);
        return { level: 'info', info: log, warn: log, error: log, fatal: log, debug: log, trace: log };
      },
    } as unknown as FastifyBaseLogger;
    return { parent, made };
  }

  test('makes the child on the first log call only, once, with the bindings Fastify gave', () => {
    const { parent, made } = recordingParent();
    const logger = lazyChildLogger(parent, { reqId: 'req-1' }, {});
    assert.equal(made.length, 0);
    assert.equal(logger.level, 'info');
    logger.info({ a: 1 }, 'first');
    logger.warn('second');
    assert.equal(made.length, 1);
    assert.deepEqual(made[0]!.bindings, { reqId: 'req-1' });
    assert.deepEqual(made[0]!.written, [[{ a: 1 }, 'first'], ['second']]);
  });
});
