/**
 * Every configuration key in one table, read off the schema (schema.ts): its path in the config object
 * and the file, its environment variables, its default, and its check. docs/configuration.md documents
 * this table; the loader, the defaults and the error messages all come from it, so they cannot drift.
 */

import { type Checked, checkValue } from '@latchkey/config-schema';
import type { TSchema } from 'typebox/type';
import { ProviderConfigSchema } from './schema.js';

export interface ConfigField {
  /** Dotted path in the config object and in the config file: `port`, `keys.jwksMaxAge`. */
  readonly path: string;
  readonly env: readonly string[];
  /** Undefined: no default (optional value, or derived from another key). */
  readonly default?: unknown;
  /** Never echo the value in an error message (unless `shown` makes it safe). */
  readonly sensitive?: boolean;
  /** How a sensitive value is named in an error message, with its secret parts removed. */
  readonly shown?: (raw: string) => string;
  /** The setting's TypeBox schema (with the annotations of config/kinds.ts). */
  readonly schema: TSchema;
  /**
   * Checks a value as written (text from the environment, or a value from the file): the typed value,
   * or where under the setting it is wrong and a message naming the value and what is expected.
   */
  readonly check: (raw: unknown) => Checked;
}

interface SettingAnnotations {
  readonly env?: readonly string[];
  readonly default?: unknown;
  readonly sensitive?: boolean;
  readonly '~shown'?: (raw: string) => string;
  readonly properties?: Record<string, TSchema>;
}

/** A node of the schema with `env` is a setting; any other object is a group of settings. */
function* settings(schema: TSchema, prefix: string): Generator<ConfigField> {
  for (const [name, node] of Object.entries((schema as SettingAnnotations).properties ?? {})) {
    const path = prefix + name;
    const annotations = node as SettingAnnotations;
    if (annotations.env === undefined) {
      yield* settings(node, `${path}.`);
      continue;
    }
    const { sensitive = false, '~shown': shownText } = annotations;
    const shown = (value: unknown, whole: boolean): string =>
      !sensitive
        ? JSON.stringify(value)
        : whole && shownText !== undefined && typeof value === 'string'
          ? JSON.stringify(shownText(value))
          : 'the value';
    yield {
      path,
      env: annotations.env,
      ...(annotations.default === undefined ? {} : { default: annotations.default }),
      ...(sensitive ? { sensitive } : {}),
      ...(shownText === undefined ? {} : { shown: shownText }),
      schema: node,
      check: (raw) => checkValue(node, raw, shown),
    };
  }
}

export const CONFIG_FIELDS: readonly ConfigField[] = [...settings(ProviderConfigSchema, '')];
