import { Writable } from 'node:stream';
import { createLogger, type LogLevel, type ProviderConfigOverrides } from '@latchkey/provider';
import { testProviderApp } from './fixtures.js';

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
  const { app, stores, close } = await testProviderApp({
    overrides,
    deps: { logger: createLogger(level, sink) },
  });
  return { app, stores, lines, close };
}
