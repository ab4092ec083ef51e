import { setUserPassword } from '@latchkey/provider';
import { auditAdminAction } from '../../lib/admin-audit.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println, readAllStdin } from '../../lib/io.js';
import { withStores } from '../../lib/provider-context.js';

export const userSetPassword: Command = {
  path: ['user', 'set-password'],
  summary: "Set a user's password, read from standard input",
  positionals: ['USERNAME'],
  options: {
    'password-stdin': { type: 'boolean', description: 'read the password from standard input (required)' },
  },
  async run(values, [username], io) {
    if (!values['password-stdin'])
      throw new UsageError('--password-stdin is required (passwords are never taken from arguments)');
    const password = await readAllStdin(io.stdin);
    await withStores(values, io, async (stores) => {
      await setUserPassword(stores, username!, password);
      const user = await stores.users.getByUsername(username!.trim().toLowerCase());
      await auditAdminAction(stores, 'admin.user.password_set', { userId: user?.id ?? null });
    });
    println(io.stdout, `Password set for ${username}.`);
    return 0;
  },
};
