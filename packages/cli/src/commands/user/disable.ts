import { disableUser } from '@latchkey/provider';
import { auditAdminAction } from '../../lib/admin-audit.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { withStores } from '../../lib/provider-context.js';

export const userDisable: Command = {
  path: ['user', 'disable'],
  summary: 'Disable a user: they can no longer sign in',
  positionals: ['USERNAME'],
  options: {},
  async run(values, [username], io) {
    await withStores(values, io, async (stores) => {
      await disableUser(stores, username!);
      const user = await stores.users.getByUsername(username!.trim().toLowerCase());
      await auditAdminAction(stores, 'admin.user.disabled', { userId: user?.id ?? null });
    });
    println(io.stdout, `Disabled user ${username}.`);
    return 0;
  },
};
