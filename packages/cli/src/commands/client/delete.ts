import { deleteClient } from '@latchkey/provider';
import { auditAdminAction } from '../../lib/admin-audit.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { withStores } from '../../lib/provider-context.js';

export const clientDelete: Command = {
  path: ['client', 'delete'],
  summary: 'Delete a client',
  positionals: ['ID'],
  options: {},
  async run(values, [clientId], io) {
    await withStores(values, io, async (stores) => {
      await deleteClient(stores, clientId!);
      await auditAdminAction(stores, 'admin.client.deleted', { clientId: clientId! });
    });
    println(io.stdout, `Deleted client ${clientId}.`);
    return 0;
  },
};
