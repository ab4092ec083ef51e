import { Writable } from 'node:stream';
import {
  createKeyManager,
  createLogger,
  createProviderApp,
  type LogLevel,
  type ProviderConfigOverrides,
} from '@latchkey/provider';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from './fixtures.js';

/**
 * A provider app on a fresh SQLite store whose log lines are captured (raw JSON text, one entry per
 * line), for tests that check what is — and is never — logged.
 */
export async function appWithCapturedLog(level: LogLevel, overrides: ProviderConfigOverrides = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const clock = frozenClock();
  const config = testConfig(overrides);
  const stores = await sqliteStores();
  const keyManager = createKeyManager({ config, stores, now: clock.now, secret: TEST_SECRET });
  await keyManager.start();
  const app = createProviderApp({
    config,
    stores,
    keyManager,
    clock: clock.now,
    secret: TEST_SECRET,
    logger: createLogger(level, sink),
  });
  return {
    app,
    stores,
    lines,
    async close() {
      await app.close();
      await keyManager.stop();
    },
  };
}
