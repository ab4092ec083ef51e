import { createUser } from '@latchkey/provider';
import { auditAdminAction } from '../../lib/admin-audit.js';
import { optionalString, requireString } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { println, readAllStdin } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { withStores } from '../../lib/provider-context.js';
import { userJson } from './present.js';

export const userCreate: Command = {
  path: ['user', 'create'],
  summary: 'Create a user (password read from standard input with --password-stdin)',
  options: {
    username: {
      type: 'string',
      valueName: 'U',
      description: 'sign-in name (required, unique, case-insensitive)',
    },
    email: { type: 'string', valueName: 'E', description: 'email address' },
    name: { type: 'string', valueName: 'N', description: 'full name (the `name` claim)' },
    'password-stdin': { type: 'boolean', description: 'read the password from standard input' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, _positionals, io) {
    const username = requireString(values, 'username');
    const email = optionalString(values, 'email');
    const name = optionalString(values, 'name');
    // Passwords never come from argv: it shows in `ps` and in shell history.
    const password = values['password-stdin'] ? await readAllStdin(io.stdin) : undefined;
    const user = await withStores(values, io, async (stores) => {
      const created = await createUser(stores, {
        username,
        ...(email === undefined ? {} : { email }),
        ...(name === undefined ? {} : { name }),
        ...(password === undefined ? {} : { password }),
      });
      await auditAdminAction(stores, 'admin.user.created', { userId: created.id });
      return created;
    });
    if (values.json) printJson(io.stdout, userJson(user));
    else println(io.stdout, `Created user ${user.username} (sub ${user.id}).`);
    return 0;
  },
};
