import { changeSettings, SETTINGS_RELOAD_INTERVAL } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { printPropagation, printSettings } from './present.js';

export const settingsSet: Command = {
  path: ['settings', 'set'],
  summary:
    'Override a runtime setting in the database for every instance, e.g. `settings set tokens.accessTokenLifetime 5m`',
  positionals: ['NAME', 'VALUE'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [name, value], io) {
    const view = await withAdmin(values, io, (stores, options, config) =>
      changeSettings(
        { settings: stores.settings, audit: stores.audit, configured: config },
        { [name!]: value },
        options,
      ),
    );
    printSettings(io, view, values.json === true);
    printPropagation(io, SETTINGS_RELOAD_INTERVAL);
    return 0;
  },
};
