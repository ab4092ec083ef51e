import { removeGroupMember } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const groupRemoveMember: Command = {
  path: ['group', 'remove-member'],
  summary: 'Remove a user from a group',
  positionals: ['GROUP', 'USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [name, username], io) {
    await withAdmin(values, io, (stores, options) => removeGroupMember(stores, name!, username!, options));
    if (values.json)
      printJson(io.stdout, { group: name, username: username!.trim().toLowerCase(), member: false });
    else println(io.stdout, `${username} is no longer in ${name}.`);
    return 0;
  },
};
