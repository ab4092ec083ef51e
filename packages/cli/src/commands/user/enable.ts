import { enableUser } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { userJson } from './present.js';

export const userEnable: Command = {
  path: ['user', 'enable'],
  summary: 'Enable a disabled user again',
  positionals: ['USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [username], io) {
    const { user, changed } = await withAdmin(values, io, (stores, options) =>
      enableUser(stores, username!, options),
    );
    if (values.json) printJson(io.stdout, { ...userJson(user), changed });
    else
      println(
        io.stdout,
        changed ? `Enabled user ${user.username}.` : `User ${user.username} was already enabled.`,
      );
    return 0;
  },
};
