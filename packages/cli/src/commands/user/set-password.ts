import { setUserPassword } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println, readAllStdin } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const userSetPassword: Command = {
  path: ['user', 'set-password'],
  summary: "Set a user's password, read from standard input",
  positionals: ['USERNAME'],
  options: {
    'password-stdin': {
      type: 'boolean',
      field: 'password',
      description: 'read the password from standard input (required)',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, [username], io) {
    if (!values['password-stdin'])
      throw new UsageError('--password-stdin is required (passwords are never taken from arguments)');
    const password = await readAllStdin(io.stdin);
    await withAdmin(values, io, (stores, options) => setUserPassword(stores, username!, password, options));
    if (values.json) printJson(io.stdout, { username: username!.trim().toLowerCase(), password_set: true });
    else println(io.stdout, `Password set for ${username}.`);
    return 0;
  },
};
