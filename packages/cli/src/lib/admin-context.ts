import type { AdminOptions, OpenedProviderStores, ProviderConfig } from '@latchkey/provider';
import { cliActor } from './admin-actor.js';
import type { ParsedValues } from './command.js';
import type { CommandIo } from './io.js';
import { withStores } from './provider-context.js';

/**
 * Runs an admin operation: the stores (opened and migrated as every command does) and the options the
 * admin service layer needs from the CLI: who acts (the audit log's actor) and the configured
 * password policy. Commands call the service with these; never the stores directly.
 */
export function withAdmin<T>(
  values: ParsedValues,
  io: CommandIo,
  fn: (stores: OpenedProviderStores, options: AdminOptions, config: ProviderConfig) => Promise<T>,
): Promise<T> {
  return withStores(values, io, (stores, config) =>
    fn(stores, { actor: cliActor(io), passwordPolicy: config.passwords }, config),
  );
}
