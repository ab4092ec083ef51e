import type { ProviderConfig } from '../config/types.js';
import { type Logger, silentLogger } from '../lib/logger.js';
import type { RuntimeSettingStore, RuntimeSettingsState } from '../store/types.js';
import { configuredValue, resolveSettings, withValues } from './effective.js';
import { RUNTIME_SETTINGS } from './table.js';

/**
 * Seconds between two checks of the settings revision: how long a change made on one instance takes to
 * reach the others of a cluster (the instance that made it applies it at once). One primary-key read;
 * no request ever reads settings from the database.
 */
export const SETTINGS_RELOAD_INTERVAL = 5;

export interface LiveSettingsDeps {
  readonly configured: ProviderConfig;
  readonly store: Pick<RuntimeSettingStore, 'revision' | 'read'>;
  readonly logger?: Logger;
  /** Seconds; default SETTINGS_RELOAD_INTERVAL (tests shorten it). */
  readonly reloadInterval?: number;
}

/** This instance's view of the runtime settings (settings/table.ts), kept current from the database. */
export interface LiveSettings {
  /**
   * The configuration this instance runs with. Its runtime sections (`tokens`, `session`…) are this
   * instance's own objects, updated in place when an override changes: code that keeps the section
   * and reads a key at each use sees the change; nothing else does.
   */
  readonly config: ProviderConfig;
  /** The configuration without overrides: what a removed override goes back to. */
  readonly configured: ProviderConfig;
  /** Applies the stored state when its revision moved (reads the rows only then). */
  refresh(): Promise<void>;
  /** Applies a state just read or written (the instance that made a change, at once). */
  apply(state: RuntimeSettingsState): void;
  /** Loads the overrides (a failure is logged, not thrown), then checks for changes every reload interval. */
  start(): Promise<void>;
  stop(): void;
}

export function createLiveSettings(deps: LiveSettingsDeps): LiveSettings {
  const logger = deps.logger ?? silentLogger;
  const config = withValues(deps.configured, new Map());
  let revision = -1;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;

  function apply(state: RuntimeSettingsState): void {
    if (state.revision <= revision) return;
    const resolved = resolveSettings(deps.configured, state.overrides);
    for (const { name, problem } of resolved.ignored) {
      logger.warn({ setting: name }, `runtime setting ${name} ignored: the stored value ${problem}`);
    }
    // Key by key rather than Object.assign of each section: an optional setting (ui.supportContact)
    // whose override is removed must go back to unset, and the configured section has no such key.
    for (const { name } of RUNTIME_SETTINGS) {
      const [section, key] = name.split('.') as [string, string];
      (config as unknown as Record<string, Record<string, unknown>>)[section]![key] = configuredValue(
        resolved.config,
        name,
      );
    }
    revision = state.revision;
  }

  async function refresh(): Promise<void> {
    // One read at a time. A refresh asked for while one runs (after a change on this instance) waits for
    // it and reads again: the running one may have read the revision before the change.
    const previous = checking;
    const next = (async () => {
      await previous?.catch(() => {});
      if ((await deps.store.revision()) !== revision) apply(await deps.store.read());
    })();
    checking = next;
    try {
      await next;
    } finally {
      if (checking === next) checking = undefined;
    }
  }

  // The timer skips a tick while a read is still running: a slow database never piles reads up.
  const check = () =>
    checking !== undefined
      ? Promise.resolve()
      : refresh().catch((error: unknown) =>
          logger.warn({ err: error }, 'runtime settings check failed; keeping the current values'),
        );

  return {
    config,
    configured: deps.configured,
    refresh,
    apply,
    async start() {
      // A database that is down at start does not stop the app from starting (its /readyz says so):
      // it runs with what it has and the next check tries again.
      await check();
      if (timer !== undefined) return;
      timer = setInterval(check, (deps.reloadInterval ?? SETTINGS_RELOAD_INTERVAL) * 1000);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
