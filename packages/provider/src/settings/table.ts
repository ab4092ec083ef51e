/**
 * The provider settings an administrator may change while it runs (issue 15), in one list. Each names
 * its config key (config/fields.ts keeps the parser, the default and the environment variable: values
 * are checked by the same code at start and at run time). Everything else in configuration needs a
 * config change and a restart: what it builds (the issuer, listeners, database pool, keys, routes)
 * is made once at start.
 *
 * A key belongs here when every use reads it at the moment of use (a token issued, a session started,
 * a page shown, a housekeeping pass), so a change takes effect on the next such use, and when changing
 * it cannot break what is already out there: a shorter lifetime affects new tokens only, and the
 * relations between keys (config/load.ts checkConfigRelations) are checked on every change.
 */
import { CONFIG_FIELDS, type ConfigField } from '../config/fields.js';

/** How a value is entered and shown: `duration` values are seconds, also given like `15m`. */
export type RuntimeSettingKind = 'duration' | 'integer' | 'boolean' | 'text';

export interface RuntimeSetting {
  /** The dotted config key, e.g. `tokens.accessTokenLifetime`. */
  readonly name: string;
  readonly kind: RuntimeSettingKind;
  /** One line for the console, the CLI and the OpenAPI document. */
  readonly description: string;
  readonly field: ConfigField;
}

const DECLARED: readonly (Omit<RuntimeSetting, 'field'> & { readonly name: string })[] = [
  { name: 'tokens.accessTokenLifetime', kind: 'duration', description: 'Lifetime of new access tokens' },
  { name: 'tokens.idTokenLifetime', kind: 'duration', description: 'Lifetime of new ID tokens' },
  {
    name: 'tokens.refreshTokenIdleLifetime',
    kind: 'duration',
    description: 'A refresh token unused this long expires',
  },
  {
    name: 'tokens.refreshTokenAbsoluteLifetime',
    kind: 'duration',
    description: 'A refresh token family ends this long after the sign-in',
  },
  {
    name: 'authorization.codeLifetime',
    kind: 'duration',
    description: 'Lifetime of new authorization codes (at most 60s)',
  },
  { name: 'session.lifetime', kind: 'duration', description: 'Lifetime of new sign-in sessions' },
  {
    name: 'passwords.minLength',
    kind: 'integer',
    description: 'Fewest characters of a new password (8 to 64)',
  },
  {
    name: 'selfRegistration.enabled',
    kind: 'boolean',
    description: 'People may create their own account (needs email configured)',
  },
  {
    name: 'device.codeLifetime',
    kind: 'duration',
    description: 'Lifetime of new device and user codes (60s to 30m)',
  },
  {
    name: 'device.interval',
    kind: 'duration',
    description: 'Least time between two device polls (1s to 60s)',
  },
  { name: 'audit.retention', kind: 'duration', description: 'Audit events older than this are deleted' },
  {
    name: 'ui.productName',
    kind: 'text',
    description: 'The name shown on the sign-in, account, console and error pages and in emails',
  },
  {
    name: 'ui.supportContact',
    kind: 'text',
    description:
      'Whom people contact when stuck, shown on the sign-in and error pages: an email address or an https URL (empty: none)',
  },
];

export const RUNTIME_SETTINGS: readonly RuntimeSetting[] = DECLARED.map((setting) => {
  const field = CONFIG_FIELDS.find((f) => f.path === setting.name);
  if (field === undefined) throw new Error(`runtime setting ${setting.name} is not a configuration key`);
  return { ...setting, field };
});

const BY_NAME = new Map(RUNTIME_SETTINGS.map((s) => [s.name, s]));

export function runtimeSetting(name: string): RuntimeSetting | undefined {
  return BY_NAME.get(name);
}

/** True for a configuration key that exists but is read only at start. */
export function isRestartOnlyKey(name: string): boolean {
  return !BY_NAME.has(name) && CONFIG_FIELDS.some((f) => f.path === name);
}

/** The config object's sections that hold runtime settings (`tokens`, `session`…): each instance owns copies. */
export const RUNTIME_SECTIONS: readonly string[] = [
  ...new Set(RUNTIME_SETTINGS.map((s) => s.name.split('.')[0]!)),
];
