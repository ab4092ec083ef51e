import { createKeyManager } from '@latchkey/provider';
import type { Command } from '../../lib/command.js';
import { isoTime, printJson, printTable } from '../../lib/output.js';
import { withStores } from '../../lib/provider-context.js';

const NEXT_EVENT = {
  next: 'may sign from',
  current: 'rotates at',
  retired: 'unpublished at',
  removed: '',
} as const;

export const keysList: Command = {
  path: ['keys', 'list'],
  summary: 'List signing keys and their state (next, current, retired)',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, _positionals, io) {
    const keys = await withStores(values, io, (stores, config) =>
      createKeyManager({ config, stores, env: io.env }).list(),
    );
    if (values.json) {
      printJson(io.stdout, keys);
      return 0;
    }
    printTable(
      io.stdout,
      ['KID', 'ALG', 'STATE', 'CREATED', 'NEXT EVENT'],
      keys.map((k) => [
        k.kid,
        k.alg,
        k.state,
        isoTime(k.createdAt),
        k.nextEventAt === null ? '-' : `${NEXT_EVENT[k.state]} ${isoTime(k.nextEventAt)}`,
      ]),
      'No signing keys yet: `latchkey serve` creates them at its first start.',
    );
    return 0;
  },
};
