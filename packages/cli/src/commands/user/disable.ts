import { disableUser } from '@latchkey/provider';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { withStores } from '../../lib/provider-context.js';

export const userDisable: Command = {
  path: ['user', 'disable'],
  summary: 'Disable a user: they can no longer sign in',
  positionals: ['USERNAME'],
  options: {},
  async run(values, [username], io) {
    await withStores(values, io, (stores) => disableUser(stores, username!));
    println(io.stdout, `Disabled user ${username}.`);
    return 0;
  },
};
