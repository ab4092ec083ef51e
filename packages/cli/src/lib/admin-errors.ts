import type { AdminError } from '@latchkey/provider';
import type { Command } from './command.js';
import { CommandError, UsageError } from './errors.js';

/**
 * The CLI's face of an admin-service refusal: the flag (or argument) the operator typed instead of
 * the service's field name, with the service's problem. Bad input exits 2 (a usage error); a conflict
 * (a name taken) or something not found exits 1, as before the admin layer.
 */
export function adminErrorForCli(error: AdminError, command: Command): UsageError | CommandError {
  const where = error.field === undefined ? undefined : flagsFor(error.field, command);
  const message = where === undefined ? error.message : `${where}: ${error.problem}`;
  return error.code === 'ERR_INVALID_INPUT' ? new UsageError(message) : new CommandError(message);
}

/** `redirectUris[1]` → `--add-redirect-uri URI/--remove-redirect-uri URI`, or the positional's name. */
function flagsFor(field: string, command: Command): string | undefined {
  const root = /^[A-Za-z_]+/.exec(field)?.[0] ?? field;
  const flags = Object.entries(command.options)
    .filter(([name, spec]) => (spec.field ?? name) === root)
    .map(([name, spec]) => `--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`);
  if (flags.length > 0) return flags.join('/');
  // A positional named after the field (ID for clientId, USERNAME for username, GROUP for group).
  const positional = command.positionals?.find((p) => POSITIONAL_FIELDS[p] === root);
  return positional;
}

const POSITIONAL_FIELDS: Readonly<Record<string, string>> = {
  ID: 'clientId',
  USERNAME: 'username',
  GROUP: 'group',
};
