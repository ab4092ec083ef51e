import { listClients } from '@latchkey/provider';
import type { Command } from '../../lib/command.js';
import { isoTime, printJson, printTable } from '../../lib/output.js';
import { withStores } from '../../lib/provider-context.js';
import { clientJson } from './present.js';

export const clientList: Command = {
  path: ['client', 'list'],
  summary: 'List registered clients',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const clients = await withStores(values, io, (stores) => listClients(stores));
    if (values.json) {
      printJson(io.stdout, clients.map(clientJson));
      return 0;
    }
    printTable(
      io.stdout,
      ['CLIENT ID', 'NAME', 'TYPE', 'AUTH METHOD', 'GRANTS', 'CREATED'],
      clients.map((c) => [
        c.clientId,
        c.name,
        c.type,
        c.tokenEndpointAuthMethod,
        c.grantTypes.join(','),
        isoTime(c.createdAt),
      ]),
      'No clients yet. Create one with: latchkey client create --name NAME --redirect-uri URI',
    );
    return 0;
  },
};
