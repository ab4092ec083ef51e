import { groupMembers, listGroups } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { isoTime, printJson, printTable } from '../../lib/output.js';

export const groupList: Command = {
  path: ['group', 'list'],
  summary: 'List groups and their members',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const groups = await withAdmin(values, io, async (stores) =>
      Promise.all(
        (await listGroups(stores)).map(async (group) => ({
          ...group,
          members: await groupMembers(stores, group.name),
        })),
      ),
    );
    if (values.json) {
      printJson(
        io.stdout,
        groups.map((g) => ({ name: g.name, members: g.members, created_at: g.createdAt })),
      );
      return 0;
    }
    printTable(
      io.stdout,
      ['GROUP', 'MEMBERS', 'CREATED'],
      groups.map((g) => [g.name, g.members.join(',') || '-', isoTime(g.createdAt)]),
      'No groups yet. Create one with: latchkey group create NAME',
    );
    return 0;
  },
};
