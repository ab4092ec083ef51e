import { parseDuration } from '@latchkey/oidc';
import { createRegistrationToken } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

const MAX_LIFETIME = 30 * 86_400;

export const clientRegistrationToken: Command = {
  path: ['client', 'registration-token'],
  summary: 'Make an initial access token: one dynamic registration (registration.mode: token)',
  options: {
    lifetime: { type: 'string', valueName: 'DURATION', description: 'how long it stays usable (default 1d)' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, _positionals, io) {
    let lifetime = 86_400;
    if (typeof values.lifetime === 'string') {
      try {
        lifetime = parseDuration(values.lifetime, '--lifetime');
      } catch {
        throw new UsageError(`--lifetime ${JSON.stringify(values.lifetime)} is not a duration (e.g. 1h, 1d)`);
      }
      if (lifetime < 60 || lifetime > MAX_LIFETIME) {
        throw new UsageError(`--lifetime ${JSON.stringify(values.lifetime)} must be between 1m and 30d`);
      }
    }
    // Audited by the admin layer with the CLI's actor; the token itself never goes to the audit log.
    const issued = await withAdmin(values, io, (stores, options) =>
      createRegistrationToken(stores, { lifetime }, options),
    );
    if (values.json) {
      printJson(io.stdout, { initial_access_token: issued.token, expires_at: issued.expiresAt });
      return 0;
    }
    println(io.stdout, `initial_access_token: ${issued.token}`);
    println(io.stderr, 'Good for one registration; shown only this once and stored as a hash.');
    return 0;
  },
};
