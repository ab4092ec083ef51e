import { disableUser } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { userJson } from './present.js';

export const userDisable: Command = {
  path: ['user', 'disable'],
  summary: 'Disable a user: they can no longer sign in, and their sessions end',
  positionals: ['USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [username], io) {
    const { user, changed } = await withAdmin(values, io, (stores, options) =>
      disableUser(stores, username!, options),
    );
    if (values.json) printJson(io.stdout, { ...userJson(user), changed });
    else
      println(
        io.stdout,
        changed ? `Disabled user ${user.username}.` : `User ${user.username} was already disabled.`,
      );
    return 0;
  },
};
