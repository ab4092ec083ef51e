import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { pino } from 'pino';
import { createProviderApp } from './app.js';
import { withAuditLog } from './audit/logged-audit-store.js';
import { developmentIssuer, isDevelopmentIssuer, issuerPort } from './config/development-issuer.js';
import { devSecretWarning, requireSecretInProduction, resolveSecret } from './config/secret.js';
import type { ProviderConfig } from './config/types.js';
import { syncConsoleClient } from './console/index.js';
import { syncDemoClient } from './demo/index.js';
import { type MetricsServer, startMetricsServer } from './endpoints/metrics/index.js';
import { createHousekeeping, type Housekeeping } from './housekeeping/index.js';
import { createKeyManager as createKeyManagerFromDeps, type KeyManager } from './keys/key-manager.js';
import { type Clock, systemClock } from './lib/clock.js';
import { closeWithin } from './lib/close-within.js';
import { createLogger } from './lib/create-logger.js';
import { checkPortFree } from './lib/free-port.js';
import type { Logger } from './lib/logger.js';
import { releaseStartupMemory } from './lib/release-startup-memory.js';
import type { ProviderMetrics } from './metrics/provider-metrics.js';
import { createLiveSettings } from './settings/live.js';
import { type OpenedProviderStores, openProviderStores } from './store/index.js';
import type { ProviderStores } from './store/types.js';

export interface OpenKeyManagerOptions {
  readonly config: ProviderConfig;
  /** With `audit`, applied key-set changes (also `latchkey keys rotate`) are recorded as `keys.rotated`. */
  readonly stores: Pick<ProviderStores, 'signingKeys' | 'leases'> & Partial<Pick<ProviderStores, 'audit'>>;
  readonly now?: Clock;
  readonly logger?: Logger;
  readonly instanceId?: string;
  /** Default: LATCHKEY_SECRET, or the development secret in dataDir (created if absent). */
  readonly secret?: Uint8Array;
  /** Read for NODE_ENV (production refuses the development secret). Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A key manager over the configured database, for `latchkey keys list|rotate` (no server needed) and for
 * startProvider. Call start() to load keys and run the timers; list() and rotate() work without it.
 */
export function createKeyManager(options: OpenKeyManagerOptions): KeyManager {
  // A production key set sealed under a generated development secret would be unreadable by every
  // instance: `latchkey keys rotate` is refused like `serve`.
  if (options.secret === undefined) requireSecretInProduction(options.config, options.env ?? process.env);
  const secret = options.secret ?? secretWithWarning(options.config, options.logger);
  return createKeyManagerFromDeps({
    stores: options.stores,
    keys: options.config.keys,
    secret,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    ...(options.stores.audit ? { audit: options.stores.audit } : {}),
  });
}

export interface StartProviderOptions {
  readonly logger?: pino.Logger;
  /** Read for NODE_ENV. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: Clock;
  readonly instanceId?: string;
  readonly secret?: Uint8Array;
  /** Seconds between checks for runtime settings changed elsewhere (default settings/live.ts). */
  readonly settingsReloadInterval?: number;
}

export interface RunningProvider {
  /** Where it listens, e.g. http://127.0.0.1:8080 (the issuer may differ, behind a proxy). */
  readonly url: string;
  readonly keyManager: KeyManager;
  readonly stores: OpenedProviderStores;
  /** The Prometheus listener's URL (`…/metrics`) when metrics.port is set. */
  readonly metricsUrl: string | undefined;
  /** This instance's housekeeping: runOnce() is one pass now, without waiting for its timer. */
  readonly housekeeping: Pick<Housekeeping, 'runOnce'>;
  /**
   * Graceful shutdown: stop accepting connections, let in-flight requests finish for at most
   * config.shutdownTimeout (then cut the remaining connections), stop the timers, close the pool.
   */
  close(): Promise<void>;
}

/** `latchkey serve`: opens the database, migrates it, loads (or creates) the signing keys, listens. */
export async function startProvider(
  configured: ProviderConfig,
  options: StartProviderOptions = {},
): Promise<RunningProvider> {
  const logger = options.logger ?? createLogger(configured.logging.level);
  // Refusals that need no database come first: nothing is migrated or created for a start that fails.
  if (options.secret === undefined) requireSecretInProduction(configured, options.env ?? process.env);
  const port = await checkPortFree(configured.host, configured.port);
  const config: ProviderConfig = configured.issuerFollowsPort
    ? { ...configured, port, issuer: developmentIssuer(port) }
    : { ...configured, port };
  warnOnIssuerPortMismatch(config, logger);
  const stores = await openProviderStores(config.databaseUrl);
  let keyManager: KeyManager | undefined;
  let metricsServer: MetricsServer | undefined;
  try {
    // prom-client (~12 MB resident with its default collectors) loads only when metrics are on.
    const metrics: ProviderMetrics | undefined =
      config.metrics.port === undefined
        ? undefined
        : (await import('./metrics/provider-metrics.js')).createProviderMetrics();
    const { applied } = await stores.migrate();
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    // The demo's client exists on a development issuer only, with this issuer's redirect URI.
    const demoClient = await syncDemoClient(stores, config.issuer, logger);
    if (demoClient === 'created' || demoClient === 'updated')
      logger.info(
        { clientId: 'latchkey-demo' },
        `demo client ${demoClient}: try a sign-in at ${config.issuer}/`,
      );
    // The console's client exists on every issuer, with this issuer's redirect URI.
    if ((await syncConsoleClient(stores, config.issuer)) === 'foreign')
      logger.warn(
        { clientId: 'latchkey-console' },
        "a client of another name uses the console's client id: the admin console cannot sign anyone in",
      );
    keyManager = createKeyManager({
      config,
      stores: withAuditLog(stores, logger, metrics),
      logger,
      ...(options.now ? { now: options.now } : {}),
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      ...(options.secret ? { secret: options.secret } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    await keyManager.start();
    const settings = createLiveSettings({
      configured: config,
      store: stores.settings,
      logger,
      ...(options.settingsReloadInterval === undefined
        ? {}
        : { reloadInterval: options.settingsReloadInterval }),
    });
    const app = createProviderApp({
      config,
      settings,
      stores,
      keyManager,
      logger,
      // One secret for sealed keys and for the pages' sealed requests and CSRF tokens.
      ...(options.secret ? { secret: options.secret } : {}),
      ...(options.now ? { clock: options.now } : {}),
      ...(metrics ? { metrics } : {}),
    });
    if (metrics) {
      metrics.watchKeySet(keyManager);
      metricsServer = await startMetricsServer({
        host: config.metrics.host,
        port: config.metrics.port ?? 0,
        registry: metrics.registry,
      });
      logger.info({ url: metricsServer.url }, 'metrics listening');
    }
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    logger.info({ url, issuer: config.issuer, database: stores.database.url }, 'latchkey provider listening');
    if (isDevelopmentIssuer(config.issuer))
      logger.info(
        { landingPage: `${config.issuer}/` },
        `open ${config.issuer}/ in a browser to try a sign-in`,
      );
    const housekeeping = createHousekeeping({
      stores,
      now: options.now ?? systemClock,
      instanceId: options.instanceId ?? randomUUID(),
      logger,
      unusedClientLifetime: config.registration.unusedClientLifetime,
      // A runtime setting: read at each pass from the live config.
      auditRetention: () => settings.config.audit.retention,
    });
    housekeeping.start();
    // Once the start's last work is done (and a caller's, such as registering clients), its garbage is
    // collected and the grown heap given back (lib/release-startup-memory.ts). Not on the event loop's
    // account of a stopping server: unref'd, and cancelled by close().
    const settle = setTimeout(releaseStartupMemory, SETTLE_AFTER_START_MS).unref();
    const manager = keyManager;
    const metricsListener = metricsServer;
    return {
      url,
      keyManager: manager,
      stores,
      metricsUrl: metricsListener?.url,
      housekeeping: { runOnce: () => housekeeping.runOnce() },
      async close() {
        clearTimeout(settle);
        const { timedOut } = await closeWithin(app, config.shutdownTimeout * 1000);
        if (timedOut)
          logger.warn(
            { timeout: config.shutdownTimeout },
            'shutdown timed out: open connections were closed',
          );
        await housekeeping.stop();
        await manager.stop();
        await metricsListener?.close();
        await stores.close();
        logger.info({}, 'latchkey provider stopped');
      },
    };
  } catch (error) {
    await metricsServer?.close().catch(() => {});
    await keyManager?.stop().catch(() => {});
    await stores.close().catch(() => {});
    throw error;
  }
}

/** How long after listening the start's garbage is collected (lib/release-startup-memory.ts). */
const SETTLE_AFTER_START_MS = 1000;

/**
 * An explicit loopback issuer on another port than the one listened on sends every browser (and the
 * redirect after sign-in) somewhere else: say so, naming both. Behind a proxy (any other host) the two
 * differ on purpose.
 */
function warnOnIssuerPortMismatch(config: ProviderConfig, logger: Logger): void {
  if (config.issuerFollowsPort || !isDevelopmentIssuer(config.issuer)) return;
  const published = issuerPort(config.issuer);
  if (published === config.port) return;
  logger.warn(
    { issuer: config.issuer, port: config.port },
    `the issuer ${config.issuer} names port ${published} but the provider listens on port ${config.port}: ` +
      'browsers sent to the issuer will not reach this server (set --issuer to match, or drop it to follow --port)',
  );
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
