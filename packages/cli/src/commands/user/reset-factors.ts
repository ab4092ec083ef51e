import { resetUserFactors } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const userResetFactors: Command = {
  path: ['user', 'reset-factors'],
  summary: "Remove a user's second factors (lost phone): they sign in with the password and can enrol again",
  positionals: ['USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [username], io) {
    const { removed } = await withAdmin(values, io, (stores, options) =>
      resetUserFactors(stores, username!, options),
    );
    if (values.json) printJson(io.stdout, { username, removed });
    else
      println(
        io.stdout,
        removed
          ? `Removed the second factors of ${username}. They sign in with their password and can set up a new app.`
          : `User ${username} had no second factors.`,
      );
    return 0;
  },
};
