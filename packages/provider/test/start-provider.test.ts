import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createLogger, migrateProvider, startProvider } from '@latchkey/provider';
import { tempDir, testConfig } from './helpers/fixtures.js';

describe('startProvider', () => {
  test('serves discovery and the JWKS on a fresh data directory, and keeps its keys across restarts', async () => {
    const dataDir = tempDir();
    const config = testConfig({ dataDir, port: 0 });
    const logger = createLogger('silent');
    const first = await startProvider(config, { logger });
    let kids: string[];
    try {
      const discovery = (await (await fetch(`${first.url}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      assert.equal(discovery.issuer, 'http://localhost:8080');
      const jwks = await fetch(`${first.url}/jwks`);
      assert.equal(jwks.status, 200);
      kids = ((await jwks.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      assert.equal(kids.length, 4);
      assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    } finally {
      await first.close();
    }
    // The development secret: created on first start, owner-only.
    assert.equal(statSync(join(dataDir, 'secret')).mode & 0o777, 0o600);

    const second = await startProvider(config, { logger });
    try {
      const again = (await (await fetch(`${second.url}/jwks`)).json()) as { keys: { kid: string }[] };
      assert.deepEqual(again.keys.map((k) => k.kid).sort(), [...kids].sort());
    } finally {
      await second.close();
    }
  });

  test('fails to start, naming the variable, when the stored keys were sealed under another secret', async () => {
    const dataDir = tempDir();
    const logger = createLogger('silent');
    const first = await startProvider(testConfig({ dataDir, port: 0 }), { logger });
    await first.close();
    const otherSecret = Buffer.alloc(32, 7).toString('base64url');
    await assert.rejects(
      startProvider(testConfig({ dataDir, port: 0, secret: otherSecret }), { logger }),
      /LATCHKEY_SECRET/,
    );
  });

  test('migrateProvider applies the migrations once', async () => {
    const config = testConfig();
    assert.ok((await migrateProvider(config)).applied.length > 0);
    assert.deepEqual((await migrateProvider(config)).applied, []);
  });
});
