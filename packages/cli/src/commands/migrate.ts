import { migrateProvider } from '@latchkey/provider';
import type { Command } from '../lib/command.js';
import { println } from '../lib/io.js';
import { announceDatabase, commandConfig } from '../lib/provider-context.js';

export const migrate: Command = {
  path: ['migrate'],
  summary: 'Apply pending database migrations (serve also does this at start)',
  options: {},
  async run(values, _positionals, io) {
    const config = commandConfig(values, io);
    announceDatabase(io, config);
    const { applied } = await migrateProvider(config);
    println(
      io.stdout,
      applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`,
    );
    return 0;
  },
};
