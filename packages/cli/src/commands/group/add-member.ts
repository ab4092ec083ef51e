import { addGroupMember } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const groupAddMember: Command = {
  path: ['group', 'add-member'],
  summary: 'Add a user to a group',
  positionals: ['GROUP', 'USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [name, username], io) {
    await withAdmin(values, io, (stores, options) => addGroupMember(stores, name!, username!, options));
    if (values.json)
      printJson(io.stdout, { group: name, username: username!.trim().toLowerCase(), member: true });
    else println(io.stdout, `${username} is in ${name}.`);
    return 0;
  },
};
