import { SETTABLE_PROFILE_CLAIMS, updateUser } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import { optionalString, stringList } from '../../lib/args.js';
import type { Command, OptionSpec } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { userJson } from './present.js';

/** One flag per settable text claim (OIDC Core §5.1): `--given-name`, `--zoneinfo`, `--phone-number`… */
const CLAIM_FLAGS: Record<string, OptionSpec> = Object.fromEntries(
  SETTABLE_PROFILE_CLAIMS.filter((claim) => claim !== 'phone_number_verified' && claim !== 'address').map(
    (claim) => [
      claim.replaceAll('_', '-'),
      { type: 'string', valueName: 'V', field: claim, description: `the ${claim} claim` },
    ],
  ),
);

export const userUpdate: Command = {
  path: ['user', 'update'],
  summary: "Change a user's email and profile claims",
  positionals: ['USERNAME'],
  options: {
    email: {
      type: 'string',
      valueName: 'E',
      description: 'new email address (unverified unless --email-verified)',
    },
    'remove-email': { type: 'boolean', field: 'email', description: 'remove the email address' },
    'email-verified': {
      type: 'boolean',
      field: 'emailVerified',
      description: 'mark the email address verified',
    },
    'email-unverified': {
      type: 'boolean',
      field: 'emailVerified',
      description: 'mark the email address not verified',
    },
    ...CLAIM_FLAGS,
    unset: {
      type: 'string',
      multiple: true,
      valueName: 'CLAIM',
      description: 'remove a profile claim, e.g. --unset locale',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, [username], io) {
    const email = optionalString(values, 'email');
    if (email !== undefined && values['remove-email'])
      throw new UsageError('give --email or --remove-email, not both');
    if (values['email-verified'] && values['email-unverified']) {
      throw new UsageError('give --email-verified or --email-unverified, not both');
    }
    const profile: Record<string, unknown> = {};
    for (const [flag, spec] of Object.entries(CLAIM_FLAGS)) {
      const value = optionalString(values, flag);
      if (value !== undefined) profile[spec.field!] = value;
    }
    for (const claim of stringList(values, 'unset')) {
      if (claim in profile) throw new UsageError(`--unset ${claim}: the same command also sets it`);
      profile[claim] = null;
    }
    const verified = values['email-verified'] ? true : values['email-unverified'] ? false : undefined;
    const { user, changed } = await withAdmin(values, io, (stores, options) =>
      updateUser(
        stores,
        username!,
        {
          ...(email === undefined ? {} : { email }),
          ...(values['remove-email'] ? { email: null } : {}),
          ...(verified === undefined ? {} : { emailVerified: verified }),
          profile,
        },
        options,
      ),
    );
    if (values.json) printJson(io.stdout, { ...userJson(user), changed });
    else
      println(
        io.stdout,
        changed.length === 0
          ? `User ${user.username} already has these values; nothing changed.`
          : `Updated user ${user.username}: ${changed.join(', ')}.`,
      );
    return 0;
  },
};
