import type { Command } from '../../lib/command.js';
import { userCreate } from '../user/create.js';

/** `latchkey admin create` = `latchkey user create --admin`: the bootstrap of the first administrator. */
export const adminCreate: Command = {
  path: ['admin', 'create'],
  summary: 'Create an administrator: a user in the latchkey-admins group',
  options: Object.fromEntries(Object.entries(userCreate.options).filter(([name]) => name !== 'admin')),
  run: (values, positionals, io) => userCreate.run({ ...values, admin: true }, positionals, io),
};
