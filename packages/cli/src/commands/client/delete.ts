import { deleteClient } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const clientDelete: Command = {
  path: ['client', 'delete'],
  summary: 'Delete a client (to stop it for now and keep its id, use client disable)',
  positionals: ['ID'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [clientId], io) {
    await withAdmin(values, io, (stores, options) => deleteClient(stores, clientId!, options));
    if (values.json) printJson(io.stdout, { client_id: clientId, deleted: true });
    else println(io.stdout, `Deleted client ${clientId}.`);
    return 0;
  },
};
