import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { loadConfig, openProviderStores } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

describe('latchkey client registration-token', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());

  test('prints a token once; the database holds only its hash, good for one registration', async () => {
    const r = await cli(['client', 'registration-token', '--lifetime', '2h', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const { initial_access_token: token, expires_at } = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.match(String(token), /^[\w-]{43}$/);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(Number(expires_at) - (now + 7200)) <= 5);
    const stores = await openProviderStores(loadConfig({ env: ws.env }).databaseUrl);
    try {
      const hash = createHash('sha256').update(String(token)).digest('base64url');
      assert.equal(
        await stores.initialAccessTokens.consume(String(token), now),
        false,
        'not stored in clear',
      );
      assert.equal(await stores.initialAccessTokens.consume(hash, now), true);
      assert.equal(await stores.initialAccessTokens.consume(hash, now), false);
    } finally {
      await stores.close();
    }
  });

  test('a bad --lifetime exits 2 naming it', async () => {
    for (const lifetime of ['soon', '10s', '90d']) {
      const r = await cli(['client', 'registration-token', '--lifetime', lifetime], ws.env);
      assert.equal(r.status, 2, lifetime);
      assert.match(r.stderr, /--lifetime/);
    }
  });
});
