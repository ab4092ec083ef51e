import { ConfigError } from '../config/errors.js';
import { checkConfigRelations } from '../config/load.js';
import type { ProviderConfig } from '../config/types.js';
import type { RuntimeSettingOverride } from '../store/types.js';
import { RUNTIME_SECTIONS, RUNTIME_SETTINGS, runtimeSetting } from './table.js';

/** What one runtime setting is now, and why. */
export interface EffectiveSetting {
  readonly name: string;
  readonly value: unknown;
  /** The value configuration gives (file, environment or default). */
  readonly configured: unknown;
  readonly source: 'config' | 'override';
  /** Who changed it when (an override only). */
  readonly override?: Pick<RuntimeSettingOverride, 'updatedAt' | 'actor'>;
}

export interface ResolvedSettings {
  readonly settings: readonly EffectiveSetting[];
  /** Stored overrides that no longer hold (e.g. configuration lowered a bound since): not applied. */
  readonly ignored: readonly { readonly name: string; readonly problem: string }[];
  /** The configuration with the applied overrides. */
  readonly config: ProviderConfig;
}

/**
 * The configuration with `values` (config form, already parsed) in place of the configured ones. The
 * runtime sections are copied, never shared: the configured object is left as it was.
 */
export function withValues(configured: ProviderConfig, values: ReadonlyMap<string, unknown>): ProviderConfig {
  const copy: Record<string, unknown> = { ...configured };
  for (const section of RUNTIME_SECTIONS) {
    copy[section] = { ...(configured as unknown as Record<string, object>)[section] };
  }
  for (const [name, value] of values) {
    const [section, key] = name.split('.') as [string, string];
    (copy[section] as Record<string, unknown>)[key] = value;
  }
  return copy as unknown as ProviderConfig;
}

export function configuredValue(configured: ProviderConfig, name: string): unknown {
  const [section, key] = name.split('.') as [string, string];
  return (configured as unknown as Record<string, Record<string, unknown>>)[section]?.[key];
}

/**
 * Every runtime setting's effective value: a stored override wins when it still parses and still obeys
 * the rules between keys; one that does not is ignored (and reported), never half-applied.
 */
export function resolveSettings(
  configured: ProviderConfig,
  overrides: readonly RuntimeSettingOverride[],
): ResolvedSettings {
  const ignored: { name: string; problem: string }[] = [];
  const applied = new Map<string, RuntimeSettingOverride & { parsed: unknown }>();
  for (const override of overrides) {
    const setting = runtimeSetting(override.name);
    if (setting === undefined) {
      ignored.push({ name: override.name, problem: 'is no longer a runtime setting' });
      continue;
    }
    const parsed = setting.field.check(override.value);
    if (parsed.ok) applied.set(override.name, { ...override, parsed: parsed.value });
    else ignored.push({ name: override.name, problem: parsed.problem });
  }
  // Drop an override the relations refuse and try again: at most one pass per override.
  for (;;) {
    const config = withValues(configured, new Map([...applied].map(([name, o]) => [name, o.parsed])));
    const refusal = relationProblem(config);
    if (refusal === undefined || !applied.has(refusal.key)) {
      return { settings: describe(configured, config, applied), ignored, config };
    }
    applied.delete(refusal.key);
    ignored.push({ name: refusal.key, problem: refusal.message });
  }
}

/** The rules between keys, as configuration checks them at start; undefined when they hold. */
export function relationProblem(config: ProviderConfig): ConfigError | undefined {
  try {
    checkConfigRelations(config);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

function describe(
  configured: ProviderConfig,
  config: ProviderConfig,
  applied: ReadonlyMap<string, RuntimeSettingOverride>,
): EffectiveSetting[] {
  return RUNTIME_SETTINGS.map(({ name }) => {
    const override = applied.get(name);
    return {
      name,
      value: configuredValue(config, name),
      configured: configuredValue(configured, name),
      source: override === undefined ? 'config' : 'override',
      ...(override === undefined
        ? {}
        : { override: { updatedAt: override.updatedAt, actor: override.actor } }),
    };
  });
}
