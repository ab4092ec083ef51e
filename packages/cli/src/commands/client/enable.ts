import { enableClient } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { clientJson } from './present.js';

export const clientEnable: Command = {
  path: ['client', 'enable'],
  summary: 'Enable a disabled client again',
  positionals: ['ID'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [clientId], io) {
    const { client, changed } = await withAdmin(values, io, (stores, options) =>
      enableClient(stores, clientId!, options),
    );
    if (values.json) printJson(io.stdout, { ...clientJson(client), changed });
    else
      println(
        io.stdout,
        changed ? `Client ${clientId} is now enabled.` : `Client ${clientId} was already enabled.`,
      );
    return 0;
  },
};
