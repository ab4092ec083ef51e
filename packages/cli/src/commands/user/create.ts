import { ADMIN_GROUP, createUser } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import { optionalString, requireString } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println, readAllStdin } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { userJson } from './present.js';

export const userCreate: Command = {
  path: ['user', 'create'],
  summary: 'Create a user (the password is read from standard input with --password-stdin)',
  options: {
    username: {
      type: 'string',
      valueName: 'U',
      description: 'sign-in name (required, unique, case-insensitive)',
    },
    email: { type: 'string', valueName: 'E', description: 'email address' },
    'email-verified': {
      type: 'boolean',
      field: 'emailVerified',
      description: 'the email address is verified',
    },
    name: { type: 'string', valueName: 'N', description: 'full name (the `name` claim)' },
    'password-stdin': {
      type: 'boolean',
      field: 'password',
      description: 'read the password from standard input',
    },
    'no-password': {
      type: 'boolean',
      description: 'make a user who cannot sign in with a password (on purpose)',
    },
    admin: { type: 'boolean', description: 'add the user to the latchkey-admins group' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, _positionals, io) {
    const username = requireString(values, 'username');
    const email = optionalString(values, 'email');
    const name = optionalString(values, 'name');
    // A user without a password only when asked for explicitly (issue 14): forgetting the flag must
    // not leave an account nobody can sign in to.
    if (values['password-stdin'] && values['no-password']) {
      throw new UsageError('give --password-stdin or --no-password, not both');
    }
    if (!values['password-stdin'] && !values['no-password']) {
      throw new UsageError(
        '--password-stdin is required (pipe the password in), or --no-password for a user without one',
      );
    }
    // Passwords never come from argv: it shows in `ps` and in shell history.
    const password = values['password-stdin'] ? await readAllStdin(io.stdin) : undefined;
    const user = await withAdmin(values, io, (stores, options) =>
      createUser(
        stores,
        {
          username,
          ...(email === undefined ? {} : { email }),
          ...(values['email-verified'] ? { emailVerified: true } : {}),
          ...(name === undefined ? {} : { name }),
          ...(password === undefined ? {} : { password }),
          ...(values.admin ? { admin: true } : {}),
        },
        options,
      ),
    );
    if (values.json) printJson(io.stdout, userJson(user, values.admin ? { groups: [ADMIN_GROUP] } : {}));
    else {
      println(io.stdout, `Created user ${user.username} (sub ${user.id}).`);
      if (values.admin) println(io.stdout, `${user.username} is in ${ADMIN_GROUP}.`);
    }
    return 0;
  },
};
