import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createKeyManager, createLogger, createProviderApp } from '@latchkey/provider';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

/** The log lines the app writes while answering one request with an Authorization header. */
async function linesForOneRequest(requests: boolean | undefined): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const clock = frozenClock();
  const config = testConfig(requests === undefined ? {} : { logging: { requests } });
  const stores = await sqliteStores();
  const keyManager = createKeyManager({ config, stores, now: clock.now, secret: TEST_SECRET });
  await keyManager.start();
  const app = createProviderApp({
    config,
    stores,
    keyManager,
    clock: clock.now,
    secret: TEST_SECRET,
    logger: createLogger('info', sink),
  });
  try {
    const response = await app.inject({
      url: '/.well-known/openid-configuration',
      headers: { authorization: 'Bearer a-credential-that-must-not-be-logged' },
    });
    assert.equal(response.statusCode, 200);
    return lines;
  } finally {
    await app.close();
    await keyManager.stop();
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
