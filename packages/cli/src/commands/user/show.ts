import { groupsOfUser, requireUser } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { userJson } from './present.js';

export const userShow: Command = {
  path: ['user', 'show'],
  summary: 'Show one user: profile claims, status and groups (never the password)',
  positionals: ['USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [username], io) {
    const { user, groups } = await withAdmin(values, io, async (stores) => {
      const found = await requireUser(stores, username!);
      return { user: found, groups: await groupsOfUser(stores, found) };
    });
    const shown = userJson(user, { groups });
    if (values.json) {
      printJson(io.stdout, shown);
      return 0;
    }
    for (const [key, value] of Object.entries(shown)) {
      const text = Array.isArray(value) ? value.join(' ') || '-' : value === null ? '-' : String(value);
      println(io.stdout, `${`${key}:`.padEnd(22)}${text}`);
    }
    return 0;
  },
};
