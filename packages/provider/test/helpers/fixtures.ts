import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import {
  createKeyManager,
  createLiveSettings,
  createProviderApp,
  loadConfig,
  type OpenedProviderStores,
  openProviderStores,
  type ProviderAppDeps,
  type ProviderConfig,
  type ProviderConfigOverrides,
} from '@latchkey/provider';

/** A clock frozen at `start` (epoch seconds) that only moves when told to. */
export function frozenClock(start = 1_800_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(seconds: number) {
      t += seconds;
    },
    set(seconds: number) {
      t = seconds;
    },
  };
}

export const TEST_SECRET = randomBytes(32);

/**
 * Cleanups run once, after the whole test file (registered on the root test when this module loads),
 * so fixtures may be created inside hooks without being torn down when the hook ends.
 */
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A temporary directory removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-provider-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The defaults, with a private data dir and silent logs; `overrides` on top. */
export function testConfig(overrides: ProviderConfigOverrides = {}): ProviderConfig {
  const dataDir = overrides.dataDir ?? tempDir();
  return loadConfig({
    env: {},
    overrides: { dataDir, ...overrides, logging: { level: 'silent', ...overrides.logging } },
  });
}

/** Real stores over a fresh SQLite file, migrated, closed after the test file. */
export async function sqliteStores(url?: string): Promise<OpenedProviderStores> {
  const stores = await openProviderStores(url ?? `sqlite:${join(tempDir(), 'latchkey.db')}`);
  await stores.migrate();
  cleanups.push(() => stores.close().catch(() => {}));
  return stores;
}

export interface TestProviderAppOptions {
  readonly overrides?: ProviderConfigOverrides;
  /** Default: a fresh SQLite file (sqliteStores). */
  readonly stores?: OpenedProviderStores;
  /** Added to createProviderApp's dependencies (a fake fetch, a logger, …). */
  readonly deps?: Partial<ProviderAppDeps>;
}

/**
 * What most provider tests stand on: the app over real stores, with a frozen clock, the test secret and
 * started signing keys. `close` stops the app and the key manager (the stores close with the file).
 */
export async function testProviderApp(options: TestProviderAppOptions = {}) {
  const clock = frozenClock();
  const config = testConfig(options.overrides);
  const stores = options.stores ?? (await sqliteStores());
  const keyManager = createKeyManager({ config, stores, now: clock.now, secret: TEST_SECRET });
  await keyManager.start();
  // The app's runtime settings, so a test can change one on this instance as an admin would.
  const settings =
    options.deps?.settings ?? createLiveSettings({ configured: config, store: stores.settings });
  const app = createProviderApp({
    config,
    stores,
    keyManager,
    clock: clock.now,
    secret: TEST_SECRET,
    ...options.deps,
    settings,
  });
  const close = async () => {
    await app.close();
    await keyManager.stop();
  };
  return { app, clock, config, stores, keyManager, settings, close };
}
