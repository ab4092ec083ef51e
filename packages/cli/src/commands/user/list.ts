import { listUsers } from '@latchkey/provider';
import type { Command } from '../../lib/command.js';
import { isoTime, printJson, printTable } from '../../lib/output.js';
import { withStores } from '../../lib/provider-context.js';
import { userJson } from './present.js';

export const userList: Command = {
  path: ['user', 'list'],
  summary: 'List users',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const users = await withStores(values, io, (stores) => listUsers(stores));
    if (values.json) {
      printJson(io.stdout, users.map(userJson));
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
