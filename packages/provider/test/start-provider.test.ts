import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ConfigError,
  checkPortFree,
  createLogger,
  migrateProvider,
  PortUnavailableError,
  startProvider,
} from '@latchkey/provider';
import { pino } from 'pino';
import { tempDir, testConfig } from './helpers/fixtures.js';

const TEST_SECRET = Buffer.alloc(32, 9).toString('base64url');

/** A pino logger writing JSON lines into memory. */
function capturingLogger() {
  const chunks: string[] = [];
  const logger = pino({ level: 'info' }, { write: (chunk: string) => void chunks.push(chunk) });
  const lines = () => chunks.map((c) => JSON.parse(c) as { level: number; msg: unknown });
  return { logger, lines };
}

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
      // No issuer configured: the development issuer names the port the system picked for port 0.
      assert.equal(discovery.issuer, `http://localhost:${new URL(first.url).port}`);
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

  test('with no issuer configured, the development issuer follows the listening port', async () => {
    const port = await checkPortFree('127.0.0.1', 0);
    const provider = await startProvider(testConfig({ port }), { logger: createLogger('silent') });
    try {
      const discovery = (await (await fetch(`${provider.url}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        authorization_endpoint: string;
      };
      assert.equal(discovery.issuer, `http://localhost:${port}`);
      assert.equal(discovery.authorization_endpoint, `http://localhost:${port}/authorize`);
    } finally {
      await provider.close();
    }
  });

  test('warns, naming both, when an explicit localhost issuer names another port than the one listened on', async () => {
    const { logger, lines } = capturingLogger();
    const provider = await startProvider(testConfig({ port: 0, issuer: 'http://localhost:8080' }), {
      logger,
    });
    try {
      const port = new URL(provider.url).port;
      const warning = lines().find((line) => line.level === 40 && String(line.msg).includes('issuer'));
      assert.ok(warning, JSON.stringify(lines()));
      assert.match(
        String(warning.msg),
        new RegExp(`http://localhost:8080 names port 8080 .* listens on port ${port}`),
      );
    } finally {
      await provider.close();
    }
  });

  test('says nothing about the port when the issuer is the one listened on, or is not on localhost', async () => {
    const port = await checkPortFree('127.0.0.1', 0);
    for (const issuer of [`http://localhost:${port}`, 'https://id.example.com']) {
      const { logger, lines } = capturingLogger();
      const provider = await startProvider(testConfig({ port, issuer, secret: TEST_SECRET }), { logger });
      await provider.close();
      assert.equal(lines().filter((line) => String(line.msg).includes('listens on port')).length, 0, issuer);
    }
  });

  test('refuses a taken port before it opens the database: nothing is migrated, no key or secret is made', async () => {
    const dataDir = tempDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startProvider(testConfig({ dataDir, port }), { logger: createLogger('silent') }),
        (error: unknown) =>
          error instanceof PortUnavailableError && error.port === port && error.reason === 'EADDRINUSE',
      );
      assert.deepEqual(readdirSync(dataDir), []);
    } finally {
      blocker.close();
    }
  });

  test('refuses to start in production without LATCHKEY_SECRET, naming it and how to make one', async () => {
    const cases = [
      { config: testConfig({ port: 0, issuer: 'https://id.example.com' }), env: {} },
      { config: testConfig({ port: 0 }), env: { NODE_ENV: 'production' } },
    ];
    for (const { config, env } of cases) {
      await assert.rejects(
        startProvider(config, { logger: createLogger('silent'), env }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.key, 'LATCHKEY_SECRET');
          assert.match(error.message, /openssl rand -hex 32/);
          return true;
        },
      );
      assert.deepEqual(readdirSync(config.dataDir), []);
    }
  });

  test('migrateProvider applies the migrations once', async () => {
    const config = testConfig();
    assert.ok((await migrateProvider(config)).applied.length > 0);
    assert.deepEqual((await migrateProvider(config)).applied, []);
  });
});
