import { listUsers } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { isoTime, printJson, printTable } from '../../lib/output.js';
import { userJson } from './present.js';

export const userList: Command = {
  path: ['user', 'list'],
  summary: 'List users',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const users = await withAdmin(values, io, (stores) => listUsers(stores));
    if (values.json) {
      printJson(
        io.stdout,
        users.map((user) => userJson(user)),
      );
      return 0;
    }
    printTable(
      io.stdout,
      ['USERNAME', 'SUB', 'EMAIL', 'STATUS', 'CREATED'],
      users.map((u) => [
        u.username,
        u.id,
        u.email ?? '-',
        u.disabled ? 'disabled' : 'active',
        isoTime(u.createdAt),
      ]),
      'No users yet. Create one with: latchkey user create --username U --password-stdin',
    );
    return 0;
  },
};
