import { readSettings } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { printSettings } from './present.js';

export const settingsShow: Command = {
  path: ['settings', 'show'],
  summary:
    'Show the settings that can be changed at run time: value, source (config or override), who changed it',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const view = await withAdmin(values, io, (stores, _options, config) =>
      readSettings({ settings: stores.settings, configured: config }),
    );
    printSettings(io, view, values.json === true);
    return 0;
  },
};
