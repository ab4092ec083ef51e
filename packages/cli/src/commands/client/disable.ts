import { disableClient } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { clientJson } from './present.js';

export const clientDisable: Command = {
  path: ['client', 'disable'],
  summary: 'Disable a client: every endpoint refuses it until it is enabled again',
  positionals: ['ID'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [clientId], io) {
    const { client, changed } = await withAdmin(values, io, (stores, options) =>
      disableClient(stores, clientId!, options),
    );
    if (values.json) printJson(io.stdout, { ...clientJson(client), changed });
    else
      println(
        io.stdout,
        changed ? `Client ${clientId} is now disabled.` : `Client ${clientId} was already disabled.`,
      );
    return 0;
  },
};
