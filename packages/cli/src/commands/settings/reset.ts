import { resetSettings, SETTINGS_RELOAD_INTERVAL } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { printPropagation, printSettings } from './present.js';

export const settingsReset: Command = {
  path: ['settings', 'reset'],
  summary: 'Remove the override of a runtime setting: the configured value applies again',
  positionals: ['NAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [name], io) {
    const view = await withAdmin(values, io, (stores, options, config) =>
      resetSettings({ settings: stores.settings, audit: stores.audit, configured: config }, [name!], options),
    );
    printSettings(io, view, values.json === true);
    printPropagation(io, SETTINGS_RELOAD_INTERVAL);
    return 0;
  },
};
