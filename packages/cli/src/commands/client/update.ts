import { type MfaPolicy, type TokenEndpointAuthMethod, updateClient } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import { optionalString } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { listChange, listChangeOptions } from '../../lib/list-flags.js';
import { printJson } from '../../lib/output.js';
import { clientJson } from './present.js';

export const clientUpdate: Command = {
  path: ['client', 'update'],
  summary: 'Change a client in place (its id stays, so apps keep working)',
  positionals: ['ID'],
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'new display name (unique)' },
    ...listChangeOptions('redirect-uri', 'redirectUris', 'URI', 'a redirect URI'),
    ...listChangeOptions('post-logout-redirect-uri', 'postLogoutRedirectUris', 'URI', 'a post-logout URI'),
    ...listChangeOptions('grant', 'grantTypes', 'TYPE', 'a grant type'),
    ...listChangeOptions('scope', 'scopes', 'S', 'a scope'),
    ...listChangeOptions('resource', 'allowedResources', 'URL', 'an RFC 8707 resource'),
    'auth-method': {
      type: 'string',
      valueName: 'M',
      field: 'tokenEndpointAuthMethod',
      description:
        'client_secret_basic | client_secret_post | private_key_jwt | workload_identity_jwt | none',
    },
    'backchannel-logout-uri': {
      type: 'string',
      valueName: 'URI',
      field: 'backchannelLogoutUri',
      description: 'where the provider POSTs logout tokens',
    },
    'remove-backchannel-logout-uri': {
      type: 'boolean',
      field: 'backchannelLogoutUri',
      description: 'stop sending back-channel logouts',
    },
    mfa: {
      type: 'string',
      valueName: 'POLICY',
      field: 'mfa',
      description:
        'optional | required | default: whether signing in needs a second factor (default: mfa.default)',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, [clientId], io) {
    const name = optionalString(values, 'name');
    const authMethod = optionalString(values, 'auth-method');
    const backchannel = optionalString(values, 'backchannel-logout-uri');
    const mfa = optionalString(values, 'mfa');
    if (backchannel !== undefined && values['remove-backchannel-logout-uri']) {
      throw new UsageError('give --backchannel-logout-uri or --remove-backchannel-logout-uri, not both');
    }
    const lists = {
      redirectUris: listChange(values, 'redirect-uri'),
      postLogoutRedirectUris: listChange(values, 'post-logout-redirect-uri'),
      grantTypes: listChange(values, 'grant'),
      scopes: listChange(values, 'scope'),
      allowedResources: listChange(values, 'resource'),
    };
    const result = await withAdmin(values, io, (stores, options) =>
      updateClient(
        stores,
        clientId!,
        {
          ...(name === undefined ? {} : { name }),
          ...Object.fromEntries(Object.entries(lists).filter(([, change]) => change !== undefined)),
          ...(authMethod === undefined
            ? {}
            : { tokenEndpointAuthMethod: authMethod as TokenEndpointAuthMethod }),
          ...(backchannel === undefined ? {} : { backchannelLogoutUri: backchannel }),
          ...(values['remove-backchannel-logout-uri'] ? { backchannelLogoutUri: null } : {}),
          // `default` goes back to the provider's mfa.default; the admin layer checks the rest.
          ...(mfa === undefined ? {} : { mfa: mfa === 'default' ? null : (mfa as MfaPolicy) }),
        },
        options,
      ),
    );
    if (values.json) {
      printJson(io.stdout, {
        ...clientJson(result.client),
        changed: result.changed,
        ...(result.secret === null ? {} : { client_secret: result.secret }),
      });
      return 0;
    }
    println(
      io.stdout,
      result.changed.length === 0
        ? `Client ${clientId} already has these settings; nothing changed.`
        : `Updated client ${clientId}: ${result.changed.join(', ')}.`,
    );
    if (result.secret !== null) {
      println(io.stdout, `client_secret: ${result.secret}`);
      println(io.stderr, 'The secret is shown only this once and stored as a hash: keep it now.');
    }
    return 0;
  },
};
