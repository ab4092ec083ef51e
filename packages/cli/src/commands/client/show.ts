import { requireClient } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { clientJson, clientLines } from './present.js';

export const clientShow: Command = {
  path: ['client', 'show'],
  summary: 'Show one client (never its secret)',
  positionals: ['ID'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [clientId], io) {
    const client = await withAdmin(values, io, (stores) => requireClient(stores, clientId!));
    if (values.json) printJson(io.stdout, clientJson(client));
    else for (const line of clientLines(client)) println(io.stdout, line);
    return 0;
  },
};
