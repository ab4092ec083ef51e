import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RunningProvider, startProvider } from '@latchkey/provider';
import { freePort } from './free-port.js';

export interface TestProviderOptions {
  /**
   * More LATCHKEY_* settings (e.g. LATCHKEY_DEVICE_INTERVAL). A caller that brings its own
   * LATCHKEY_DATA_DIR (a CLI test's workspace) keeps that folder: only a folder made here is removed.
   */
  readonly env?: NodeJS.ProcessEnv;
}

export interface TestProvider {
  /** Where it listens. */
  readonly url: string;
  /** Its own URL, so that a browser, a relying party and the ID tokens all agree on it. */
  readonly issuer: string;
  readonly provider: RunningProvider;
  /** The whole environment it was configured from (issuer, port, data dir, secret, log level). */
  readonly env: NodeJS.ProcessEnv;
  /** Stops the provider and removes the data dir made for it. */
  close(): Promise<void>;
}

/**
 * `startProvider` as `latchkey serve` runs it, on a free loopback port with that URL as the issuer (the
 * issuer must be known before start), a fresh SQLite data dir, a random secret and silent logs.
 */
export async function startTestProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  const ownDataDir =
    options.env?.['LATCHKEY_DATA_DIR'] === undefined
      ? mkdtempSync(join(tmpdir(), 'latchkey-test-provider-'))
      : undefined;
  const removeDataDir = () => {
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...(ownDataDir ? { LATCHKEY_DATA_DIR: ownDataDir } : {}),
      LATCHKEY_LOG_LEVEL: 'silent',
      LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
      ...options.env,
      LATCHKEY_ISSUER: issuer,
      LATCHKEY_PORT: String(port),
    };
    const provider = await startProvider(loadConfig({ env }));
    return {
      url: provider.url,
      issuer,
      provider,
      env,
      async close() {
        try {
          await provider.close();
        } finally {
          removeDataDir();
        }
      },
    };
  } catch (error) {
    removeDataDir();
    throw error;
  }
}
