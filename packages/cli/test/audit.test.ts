import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type OpenedProviderStores, openProviderStores } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

describe('latchkey audit tail', () => {
  const ws = tempWorkspace();
  let stores: OpenedProviderStores;
  before(async () => {
    stores = await openProviderStores(loadConfig({ env: ws.env }).databaseUrl);
    await stores.migrate();
    const at = 1_800_000_000;
    await stores.audit.append({
      type: 'sign_in.failure',
      at,
      ip: '192.0.2.1',
      details: { reason: 'throttled' },
    });
    await stores.audit.append({ type: 'sign_in.success', at: at + 1, userId: 'u1', clientId: 'web' });
    await stores.audit.append({ type: 'token.issued', at: at + 2, userId: 'u1', clientId: 'web' });
  });
  after(async () => {
    await stores.close();
    ws.cleanup();
  });

  test('prints the latest events oldest first, one line each, with who and the details', async () => {
    const r = await cli(['audit', 'tail'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      '2027-01-15T08:00:00Z  sign_in.failure  ip=192.0.2.1  {"reason":"throttled"}',
      '2027-01-15T08:00:01Z  sign_in.success  user=u1  client=web',
      '2027-01-15T08:00:02Z  token.issued  user=u1  client=web',
    ]);
  });

  test('--limit keeps the newest N, --type filters, --json prints one object per line', async () => {
    const r = await cli(['audit', 'tail', '--limit', '2', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      events.map((e) => e.type),
      ['sign_in.success', 'token.issued'],
    );
    const typed = await cli(['audit', 'tail', '--type', 'sign_in.failure', '--json'], ws.env);
    assert.deepEqual(
      typed.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).details),
      [{ reason: 'throttled' }],
    );
  });

  const badLimits = ['0', '1001', 'ten', '-1', '1.5'];
  for (const limit of badLimits) {
    test(`--limit ${limit} is a usage error naming the flag`, async () => {
      const r = await cli(['audit', 'tail', '--limit', limit], ws.env);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--limit/);
    });
  }

  test('--follow prints events written after it started, until SIGINT', async () => {
    const running = cli(['audit', 'tail', '--follow', '--limit', '1', '--json'], ws.env);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stores.audit.append({ type: 'token.revoked', at: 1_800_000_010, clientId: 'web' });
    // Each poll is a second apart: wait for one, then stop the follower as Ctrl-C would.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.emit('SIGINT');
    const r = await running;
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).type),
      ['token.issued', 'token.revoked'],
    );
  });
});
