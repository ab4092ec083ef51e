import { deleteUser } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const userDelete: Command = {
  path: ['user', 'delete'],
  summary: 'Delete a user: erase their personal data, end their sessions, revoke their tokens',
  positionals: ['USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [username], io) {
    const { sub } = await withAdmin(values, io, (stores, options) => deleteUser(stores, username!, options));
    if (values.json) printJson(io.stdout, { sub, deleted: true });
    else
      println(
        io.stdout,
        `Deleted user ${username}: personal data erased; the audit log keeps only the pseudonymous sub ${sub}.`,
      );
    return 0;
  },
};
