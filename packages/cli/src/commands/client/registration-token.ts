import { parseDuration } from '@latchkey/oidc';
import { issueInitialAccessToken } from '@latchkey/provider';
import { auditAdminAction } from '../../lib/admin-audit.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { withStores } from '../../lib/provider-context.js';

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
    const issued = await withStores(values, io, async (stores) => {
      const token = await issueInitialAccessToken(stores, { lifetime });
      // The token itself never goes to the audit log: only that one was made.
      await auditAdminAction(stores, 'admin.registration_token.created', {});
      return token;
    });
    if (values.json) {
      printJson(io.stdout, { initial_access_token: issued.token, expires_at: issued.expiresAt });
      return 0;
    }
    println(io.stdout, `initial_access_token: ${issued.token}`);
    println(io.stderr, 'Good for one registration; shown only this once and stored as a hash.');
    return 0;
  },
};
