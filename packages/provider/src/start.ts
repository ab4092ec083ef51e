import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { pino } from 'pino';
import { createProviderApp } from './app.js';
import { devSecretWarning, resolveSecret } from './config/secret.js';
import type { ProviderConfig } from './config/types.js';
import { createHousekeeping } from './housekeeping/index.js';
import { createKeyManager as createKeyManagerFromDeps, type KeyManager } from './keys/key-manager.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createLogger } from './lib/create-logger.js';
import type { Logger } from './lib/logger.js';
import { type OpenedProviderStores, openProviderStores } from './store/index.js';
import type { ProviderStores } from './store/types.js';

export interface OpenKeyManagerOptions {
  readonly config: ProviderConfig;
  readonly stores: Pick<ProviderStores, 'signingKeys' | 'leases'>;
  readonly now?: Clock;
  readonly logger?: Logger;
  readonly instanceId?: string;
  /** Default: LATCHKEY_SECRET, or the development secret in dataDir (created if absent). */
  readonly secret?: Uint8Array;
}

/**
 * A key manager over the configured database, for `latchkey keys list|rotate` (no server needed) and for
 * startProvider. Call start() to load keys and run the timers; list() and rotate() work without it.
 */
export function createKeyManager(options: OpenKeyManagerOptions): KeyManager {
  const secret = options.secret ?? secretWithWarning(options.config, options.logger);
  return createKeyManagerFromDeps({
    stores: options.stores,
    keys: options.config.keys,
    secret,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
  });
}

export interface StartProviderOptions {
  readonly logger?: pino.Logger;
  readonly now?: Clock;
  readonly instanceId?: string;
  readonly secret?: Uint8Array;
}

export interface RunningProvider {
  /** Where it listens, e.g. http://127.0.0.1:8080 (the issuer may differ, behind a proxy). */
  readonly url: string;
  readonly keyManager: KeyManager;
  readonly stores: OpenedProviderStores;
  close(): Promise<void>;
}

/** `latchkey serve`: opens the database, migrates it, loads (or creates) the signing keys, listens. */
export async function startProvider(
  config: ProviderConfig,
  options: StartProviderOptions = {},
): Promise<RunningProvider> {
  const logger = options.logger ?? createLogger(config.logging.level);
  const stores = await openProviderStores(config.databaseUrl);
  let keyManager: KeyManager | undefined;
  try {
    const { applied } = await stores.migrate();
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    keyManager = createKeyManager({
      config,
      stores,
      logger,
      ...(options.now ? { now: options.now } : {}),
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      ...(options.secret ? { secret: options.secret } : {}),
    });
    await keyManager.start();
    const app = createProviderApp({
      config,
      stores,
      keyManager,
      logger,
      // One secret for sealed keys and for the pages' sealed requests and CSRF tokens.
      ...(options.secret ? { secret: options.secret } : {}),
      ...(options.now ? { clock: options.now } : {}),
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    logger.info({ url, issuer: config.issuer, database: stores.database.url }, 'latchkey provider listening');
    const housekeeping = createHousekeeping({
      stores,
      now: options.now ?? systemClock,
      instanceId: options.instanceId ?? randomUUID(),
      logger,
    });
    housekeeping.start();
    const manager = keyManager;
    return {
      url,
      keyManager: manager,
      stores,
      async close() {
        await app.close();
        await housekeeping.stop();
        await manager.stop();
        await stores.close();
      },
    };
  } catch (error) {
    await keyManager?.stop().catch(() => {});
    await stores.close().catch(() => {});
    throw error;
  }
}

/** `latchkey migrate`: applies pending migrations and closes the database. */
export async function migrateProvider(config: ProviderConfig): Promise<{ applied: string[] }> {
  const stores = await openProviderStores(config.databaseUrl);
  try {
    return await stores.migrate();
  } finally {
    await stores.close();
  }
}

function secretWithWarning(config: ProviderConfig, logger: Logger | undefined): Buffer {
  const secret = resolveSecret(config);
  const warning = devSecretWarning(secret);
  if (warning !== undefined) {
    if (logger) logger.warn({ variable: 'LATCHKEY_SECRET' }, warning);
    else process.emitWarning(warning, { code: 'LATCHKEY_DEV_SECRET' });
  }
  return secret.bytes;
}
