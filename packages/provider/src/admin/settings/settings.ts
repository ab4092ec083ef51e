import type { ProviderConfig } from '../../config/types.js';
import {
  configuredValue,
  type EffectiveSetting,
  relationProblem,
  resolveSettings,
  withValues,
} from '../../settings/effective.js';
import type { LiveSettings } from '../../settings/live.js';
import { isRestartOnlyKey, type RuntimeSettingKind, runtimeSetting } from '../../settings/table.js';
import type { AuditStore, RuntimeSettingOverride, RuntimeSettingStore } from '../../store/types.js';
import { SYSTEM_ACTOR } from '../actor.js';
import { conflict, invalidInput } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';

export interface SettingsAdminDeps {
  readonly settings: RuntimeSettingStore;
  readonly audit: AuditStore;
  /** The configuration without overrides (file, environment, defaults) this face runs with. */
  readonly configured: ProviderConfig;
  /** This instance's live settings: applied at once after a change. Absent in the CLI. */
  readonly live?: Pick<LiveSettings, 'refresh'>;
}

export interface SettingView extends EffectiveSetting {
  readonly kind: RuntimeSettingKind;
  readonly description: string;
}

export interface SettingsView {
  /** Goes up with every change, on any instance. */
  readonly revision: number;
  readonly settings: readonly SettingView[];
  /** Stored overrides that no longer hold under the current configuration (not applied). */
  readonly ignored: readonly { readonly name: string; readonly problem: string }[];
}

/** Every runtime setting: its effective value, the configured one, and whether an override (by whom, when) wins. */
export async function readSettings(
  deps: Pick<SettingsAdminDeps, 'settings' | 'configured'>,
): Promise<SettingsView> {
  return view(deps.configured, await deps.settings.read());
}

/**
 * Changes runtime settings: `{ name: value }` sets an override (the value as configuration takes it:
 * `'15m'` or `900` for a duration), `{ name: null }` removes it (back to the configured value). All or
 * nothing: a bad value, a key that is not a runtime setting, or a combination the rules between keys
 * refuse changes nothing and names the key. With `expectedRevision`, a change made meanwhile by anyone
 * on any instance is a conflict. Audited `admin.settings.changed` with each old and new value.
 */
export async function changeSettings(
  deps: SettingsAdminDeps,
  input: Readonly<Record<string, unknown>>,
  options: AdminOptions & { readonly expectedRevision?: number } = {},
): Promise<SettingsView> {
  const entries = Object.entries(input);
  if (entries.length === 0) throw invalidInput('settings', 'name at least one setting to change');
  const parsed = new Map<string, unknown>();
  for (const [name, raw] of entries) {
    const setting = checkSettingName(name);
    if (raw === null) {
      parsed.set(name, null);
      continue;
    }
    const result = setting.field.check(raw);
    if (!result.ok) throw invalidInput(`${name}${result.at}`, result.problem);
    parsed.set(name, result.value);
  }
  const state = await deps.settings.read();
  if (options.expectedRevision !== undefined && options.expectedRevision !== state.revision)
    throw changedMeanwhile();
  const before = resolveSettings(deps.configured, state.overrides);
  const values = new Map<string, unknown>();
  for (const s of before.settings) if (s.source === 'override') values.set(s.name, s.value);
  for (const [name, value] of parsed) {
    if (value === null) values.delete(name);
    else values.set(name, value);
  }
  const refusal = relationProblem(withValues(deps.configured, values));
  if (refusal !== undefined) throw invalidInput(refusal.key, refusal.message.slice(refusal.key.length + 2));

  const at = nowOf(options);
  const actor = options.actor ?? SYSTEM_ACTOR;
  const set: RuntimeSettingOverride[] = [];
  const remove: string[] = [];
  const changes: { name: string; from: unknown; to: unknown; source: 'config' | 'override' }[] = [];
  for (const [name, value] of parsed) {
    const old = before.settings.find((s) => s.name === name)!;
    const stored = state.overrides.some((o) => o.name === name);
    const to = value ?? configuredValue(deps.configured, name);
    if (value === null) {
      if (stored) remove.push(name);
    } else set.push({ name, value, updatedAt: at, actor: { type: actor.type, id: actor.id } });
    if (old.value !== to || old.source !== (value === null ? 'config' : 'override')) {
      const shown = runtimeSetting(name)!.field.sensitive !== true;
      changes.push({
        name,
        // An optional setting left unset is recorded as null (JSON has no undefined).
        ...(shown ? { from: old.value ?? null, to: to ?? null } : { from: '(hidden)', to: '(hidden)' }),
        source: value === null ? 'config' : 'override',
      });
    }
  }
  if (changes.length === 0 && remove.length === 0) return view(deps.configured, state);
  const revision = await deps.settings.change(state.revision, { set, remove });
  if (revision === undefined) throw changedMeanwhile();
  await recordAdminEvent(deps, options, { type: 'admin.settings.changed', at, details: { changes } });
  await deps.live?.refresh();
  return readSettings(deps);
}

/** Removes overrides: each named setting goes back to its configured value. */
export function resetSettings(
  deps: SettingsAdminDeps,
  names: readonly string[],
  options: AdminOptions & { readonly expectedRevision?: number } = {},
): Promise<SettingsView> {
  return changeSettings(deps, Object.fromEntries(names.map((name) => [name, null])), options);
}

/** The runtime setting of that name, or an error saying why there is none. */
export function checkSettingName(name: string) {
  const setting = runtimeSetting(name);
  if (setting !== undefined) return setting;
  if (isRestartOnlyKey(name)) {
    throw invalidInput(
      name,
      'cannot be changed at run time: it is read when the provider starts; change it in the configuration and restart',
    );
  }
  throw invalidInput(name, 'is not a setting (latchkey settings show lists those that can be changed)');
}

function changedMeanwhile() {
  return conflict(
    'settings',
    'the settings were changed meanwhile (on this or another instance); read them again',
  );
}

function view(
  configured: ProviderConfig,
  state: Awaited<ReturnType<RuntimeSettingStore['read']>>,
): SettingsView {
  const resolved = resolveSettings(configured, state.overrides);
  return {
    revision: state.revision,
    settings: resolved.settings.map((s) => {
      const setting = runtimeSetting(s.name)!;
      return { ...s, kind: setting.kind, description: setting.description };
    }),
    ignored: resolved.ignored,
  };
}
