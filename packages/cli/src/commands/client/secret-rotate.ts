import { parseDuration, rotateClientSecret } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import { optionalString } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { isoTime, printJson } from '../../lib/output.js';

export const clientSecretRotate: Command = {
  path: ['client', 'secret', 'rotate'],
  summary: 'Give a client a new secret (printed once); the old one can keep working for a while',
  positionals: ['ID'],
  options: {
    'keep-old-for': {
      type: 'string',
      valueName: 'DURATION',
      field: 'keepOldFor',
      description: 'the old secret stays valid this long, e.g. 24h (default: it stops now)',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, [clientId], io) {
    const raw = optionalString(values, 'keep-old-for');
    const keepOldFor = raw === undefined || raw === '0' ? 0 : parseDuration(raw);
    if (keepOldFor === undefined) {
      throw new UsageError(
        `--keep-old-for ${JSON.stringify(raw)} is not a duration (e.g. 3600, 30m, 24h, 7d)`,
      );
    }
    const rotated = await withAdmin(values, io, (stores, options) =>
      rotateClientSecret(stores, clientId!, { keepOldFor }, options),
    );
    if (values.json) {
      printJson(io.stdout, {
        client_id: rotated.client.clientId,
        client_secret: rotated.secret,
        old_secret_expires_at: rotated.oldSecretExpiresAt,
      });
      return 0;
    }
    println(io.stdout, `client_secret: ${rotated.secret}`);
    println(io.stderr, 'The secret is shown only this once and stored as a hash: keep it now.');
    println(
      io.stderr,
      rotated.oldSecretExpiresAt === null
        ? 'The old secret no longer works.'
        : `The old secret keeps working until ${isoTime(rotated.oldSecretExpiresAt)}.`,
    );
    return 0;
  },
};
