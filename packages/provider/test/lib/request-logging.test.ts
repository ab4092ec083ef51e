import assert from 'node:assert/strict';
import { test } from 'node:test';
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
