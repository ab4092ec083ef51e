import type { ParseArgsConfig } from 'node:util';
import type { CommandIo } from './io.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  valueName?: string;
  /**
   * The admin-service field this flag feeds (`redirectUris`, `email`), so that a refusal from the
   * service names the flag the operator typed (lib/admin-errors.ts).
   */
  field?: string;
};

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** One `latchkey <noun> <verb>` (or `latchkey <verb>`) command: its words, its flags, what it does. */
export interface Command {
  /** The words that select it, e.g. ['client', 'create']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Positional arguments, for the usage line, e.g. ['ID']. */
  readonly positionals?: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  run(values: ParsedValues, positionals: readonly string[], io: CommandIo): Promise<number | undefined>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: { type: 'string', valueName: 'FILE', description: 'configuration file (YAML or JSON)' },
  database: {
    type: 'string',
    valueName: 'URL',
    description: 'database URL (sqlite:PATH or postgres://…); env DATABASE_URL',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};
