import { deleteGroup } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const groupDelete: Command = {
  path: ['group', 'delete'],
  summary: 'Delete a group and its memberships (users stay)',
  positionals: ['GROUP'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [name], io) {
    await withAdmin(values, io, (stores, options) => deleteGroup(stores, name!, options));
    if (values.json) printJson(io.stdout, { name, deleted: true });
    else println(io.stdout, `Deleted group ${name}.`);
    return 0;
  },
};
