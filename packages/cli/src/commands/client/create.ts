import { createClient, type MfaPolicy, type TokenEndpointAuthMethod } from '@latchkey/provider';
import { withAdmin } from '../../lib/admin-context.js';
import { optionalString, requireString, stringList } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { clientJson } from './present.js';

export const clientCreate: Command = {
  path: ['client', 'create'],
  summary: 'Register a client; prints its id and (once) its secret',
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'display name (required, unique)' },
    id: {
      type: 'string',
      valueName: 'ID',
      field: 'clientId',
      description: 'a readable client id such as "gateway" (default: random)',
    },
    'redirect-uri': {
      type: 'string',
      multiple: true,
      valueName: 'URI',
      field: 'redirectUris',
      description: 'an exact redirect URI',
    },
    'post-logout-redirect-uri': {
      type: 'string',
      multiple: true,
      valueName: 'URI',
      field: 'postLogoutRedirectUris',
      description: 'an exact URI to return to after logout (RP-Initiated Logout)',
    },
    'backchannel-logout-uri': {
      type: 'string',
      valueName: 'URI',
      field: 'backchannelLogoutUri',
      description: 'where the provider POSTs logout tokens (Back-Channel Logout)',
    },
    grant: {
      type: 'string',
      multiple: true,
      valueName: 'TYPE',
      field: 'grantTypes',
      description: 'grant type (default authorization_code)',
    },
    scope: {
      type: 'string',
      multiple: true,
      valueName: 'S',
      field: 'scopes',
      description: 'a scope the client may ask for (default openid)',
    },
    resource: {
      type: 'string',
      multiple: true,
      valueName: 'URL',
      field: 'allowedResources',
      description: 'an RFC 8707 resource (API URL) the client may get tokens for',
    },
    public: { type: 'boolean', description: 'a public client (native app, SPA): no secret, PKCE' },
    'auth-method': {
      type: 'string',
      valueName: 'M',
      field: 'tokenEndpointAuthMethod',
      description:
        'client_secret_basic | client_secret_post | private_key_jwt | workload_identity_jwt | none',
    },
    mfa: {
      type: 'string',
      valueName: 'POLICY',
      field: 'mfa',
      description: 'optional | required: whether signing in needs a second factor (default: mfa.default)',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, _positionals, io) {
    const name = requireString(values, 'name');
    const clientId = optionalString(values, 'id');
    const authMethod = optionalString(values, 'auth-method');
    const grants = stringList(values, 'grant');
    const scopes = stringList(values, 'scope');
    const backchannelLogoutUri = optionalString(values, 'backchannel-logout-uri');
    const mfa = optionalString(values, 'mfa');
    const { client, secret } = await withAdmin(values, io, (stores, options) =>
      createClient(
        stores,
        {
          name,
          ...(clientId === undefined ? {} : { clientId }),
          public: values.public === true,
          redirectUris: stringList(values, 'redirect-uri'),
          postLogoutRedirectUris: stringList(values, 'post-logout-redirect-uri'),
          ...(backchannelLogoutUri === undefined ? {} : { backchannelLogoutUri }),
          // The admin layer checks the value and names it when it is neither optional nor required.
          ...(mfa === undefined ? {} : { mfa: mfa as MfaPolicy }),
          allowedResources: stringList(values, 'resource'),
          ...(grants.length > 0 ? { grantTypes: grants } : {}),
          ...(scopes.length > 0 ? { scopes } : {}),
          ...(authMethod === undefined
            ? {}
            : { tokenEndpointAuthMethod: authMethod as TokenEndpointAuthMethod }),
        },
        options,
      ),
    );
    if (values.json) {
      printJson(io.stdout, { ...clientJson(client), ...(secret === null ? {} : { client_secret: secret }) });
      return 0;
    }
    println(io.stdout, `client_id:     ${client.clientId}`);
    if (secret !== null) {
      println(io.stdout, `client_secret: ${secret}`);
      println(io.stderr, 'The secret is shown only this once and stored as a hash: keep it now.');
    }
    return 0;
  },
};
