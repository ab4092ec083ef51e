import { listClients } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { printJson, printTable } from '../../lib/output.js';
import { clientJson } from './present.js';

export const clientList: Command = {
  path: ['client', 'list'],
  summary: 'List registered clients with their redirect URIs, grants and scopes',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const clients = await withAdmin(values, io, (stores) => listClients(stores));
    if (values.json) {
      printJson(io.stdout, clients.map(clientJson));
      return 0;
    }
    const list = (items: readonly string[]) => (items.length === 0 ? '-' : items.join(','));
    printTable(
      io.stdout,
      ['CLIENT ID', 'NAME', 'STATUS', 'AUTH METHOD', 'GRANTS', 'SCOPES', 'REDIRECT URIS'],
      clients.map((c) => [
        c.clientId,
        c.name,
        c.disabled ? 'disabled' : 'enabled',
        c.tokenEndpointAuthMethod,
        list(c.grantTypes),
        list(c.scopes),
        list(c.redirectUris),
      ]),
      'No clients yet. Create one with: latchkey client create --name NAME --redirect-uri URI',
    );
    return 0;
  },
};
