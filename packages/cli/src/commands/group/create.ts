import { createGroup } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const groupCreate: Command = {
  path: ['group', 'create'],
  summary: 'Create a group (released in the groups claim under the groups scope)',
  positionals: ['GROUP'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [name], io) {
    const group = await withAdmin(values, io, (stores, options) => createGroup(stores, name!, options));
    if (values.json) printJson(io.stdout, { name: group.name, members: [], created_at: group.createdAt });
    else println(io.stdout, `Created group ${group.name}.`);
    return 0;
  },
};
