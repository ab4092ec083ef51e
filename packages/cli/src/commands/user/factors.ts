import { getUserFactors, type UserFactors } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

export const userFactors: Command = {
  path: ['user', 'factors'],
  summary: "Show a user's second factors (authenticator app, recovery codes, passkeys); never their secrets",
  positionals: ['USERNAME'],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  async run(values, [username], io) {
    const factors = await withAdmin(values, io, (stores) => getUserFactors(stores, username!));
    if (values.json) printJson(io.stdout, factors);
    else println(io.stdout, describe(factors));
    return 0;
  },
};

const iso = (at: number) => new Date(at * 1000).toISOString();

function describe(factors: UserFactors): string {
  const { totp, recoveryCodes: codes } = factors;
  const app =
    totp.state === 'enrolled'
      ? `on since ${iso(totp.since)}`
      : totp.state === 'pending'
        ? `being set up (started ${iso(totp.startedAt)})`
        : 'none';
  const lastUsed = codes.lastUsedAt === null ? '' : `, last used ${iso(codes.lastUsedAt)}`;
  return [
    `User ${factors.username}`,
    `  authenticator app: ${app}`,
    `  recovery codes:    ${codes.remaining} left, ${codes.used} used${lastUsed}`,
    `  passkeys:          ${factors.passkeys.length === 0 ? 'none' : factors.passkeys.map((p) => `${p.name} (added ${iso(p.createdAt)})`).join(', ')}`,
  ].join('\n');
}
