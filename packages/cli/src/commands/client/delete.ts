import { deleteClient } from '@latchkey/provider';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { withStores } from '../../lib/provider-context.js';

export const clientDelete: Command = {
  path: ['client', 'delete'],
  summary: 'Delete a client',
  positionals: ['ID'],
  options: {},
  async run(values, [clientId], io) {
    await withStores(values, io, (stores) => deleteClient(stores, clientId!));
    println(io.stdout, `Deleted client ${clientId}.`);
    return 0;
  },
};
