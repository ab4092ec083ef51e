import {
  ConfigError,
  loadConfig,
  type OpenedProviderStores,
  openProviderStores,
  type ProviderConfig,
  type ProviderConfigOverrides,
} from '@latchkey/provider';
import { redactDatabaseUrl } from '@latchkey/store';
import { optionalString } from './args.js';
import type { ParsedValues } from './command.js';
import { UsageError } from './errors.js';
import { type CommandIo, println } from './io.js';

/** The configuration a command runs with: --config file, environment, then --database and other flags. */
export function commandConfig(
  values: ParsedValues,
  io: CommandIo,
  overrides: ProviderConfigOverrides = {},
): ProviderConfig {
  const database = optionalString(values, 'database');
  const file = optionalString(values, 'config');
  try {
    return loadConfig({
      ...(file === undefined ? {} : { file }),
      env: io.env,
      overrides: { ...overrides, ...(database === undefined ? {} : { databaseUrl: database }) },
    });
  } catch (error) {
    // A bad value on the command line, in the file or in the environment: the message names the key.
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Opens the provider's database (migrating it, so administration works on a fresh database before the
 * first `latchkey serve`), runs `fn`, and always closes it.
 */
export async function withStores<T>(
  values: ParsedValues,
  io: CommandIo,
  fn: (stores: OpenedProviderStores, config: ProviderConfig) => Promise<T>,
): Promise<T> {
  const config = commandConfig(values, io);
  announceDatabase(io, config);
  const stores = await openProviderStores(config.databaseUrl);
  try {
    await stores.migrate();
    // A refusal of the admin service (AdminError) goes up to run.ts, which names the command's flag.
    return await fn(stores, config);
  } finally {
    await stores.close();
  }
}

/**
 * One line on stderr naming the database an administrative command works on (password removed), so an
 * operator with two databases never edits the wrong one; stdout stays the command's answer.
 */
export function announceDatabase(io: CommandIo, config: Pick<ProviderConfig, 'databaseUrl'>): void {
  println(io.stderr, `latchkey: using ${redactDatabaseUrl(config.databaseUrl)}`);
}
