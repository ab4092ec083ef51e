import type { JwsAlgorithm } from '@latchkey/oidc';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createClient } from '../../admin/clients/create.js';
import { deleteClient } from '../../admin/clients/delete.js';
import { pageClients } from '../../admin/clients/page.js';
import { requireClient } from '../../admin/clients/read.js';
import { rotateClientSecret } from '../../admin/clients/secret.js';
import { disableClient, enableClient } from '../../admin/clients/status.js';
import { updateClient } from '../../admin/clients/update.js';
import { AdminError, invalidInput } from '../../admin/errors.js';
import { CLIENT_AUTH_METHODS } from '../../client-auth/index.js';
import { GRANTS } from '../../grants/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { TokenEndpointAuthMethod } from '../../store/types.js';
import { consoleAction, consoleGet, lines, listQuery, noticeOf, param } from '../action.js';
import { CONSOLE_CLIENT_ID } from '../client.js';
import { type ConsoleContext, type SignedInAdmin, statusOf } from '../context.js';
import {
  CLIENT_NOTICES,
  type ClientFormValues,
  clientDetailContent,
  clientForm,
  clientListContent,
  clientPath,
  deleteClientContent,
  formValuesOf,
  NEW_CLIENT,
  secretContent,
} from '../pages/clients.js';

const FORM_FIELDS = [
  'name',
  'public',
  'redirect_uris',
  'post_logout_redirect_uris',
  'scopes',
  'allowed_resources',
  'token_endpoint_auth_method',
  'id_token_signed_response_alg',
  'jwks_uri',
  'backchannel_logout_uri',
];

/** Clients: list and search, create, edit every field, rotate the secret (shown once), disable, delete. */
export function registerClientPages(app: FastifyInstance, ctx: ConsoleContext): void {
  const { paths, stores } = ctx;
  const grantTypes = (ctx.admin.grants ?? GRANTS).map((g) => g.type);
  const authMethods = (ctx.admin.authMethods ?? CLIENT_AUTH_METHODS).map((m) => m.method);
  const form = (admin: SignedInAdmin, action: string, values: ClientFormValues, creating: boolean) =>
    clientForm({
      action,
      csrfToken: admin.session.csrf,
      values,
      creating,
      grantTypes,
      authMethods,
      submit: creating ? 'Create client' : 'Save changes',
    });

  consoleGet(app, ctx, paths.clients, async (_request, reply, admin, query) => {
    const search = (query.get('q') ?? '').trim().slice(0, 200);
    // One page from the store, as the admin API reads it: never every client.
    const clients = await pageClients(stores, listQuery(search, query));
    return ctx.page(reply, admin, {
      title: 'Clients',
      section: 'clients',
      content: clientListContent(paths, clients, search),
      notice: noticeOf(query, CLIENT_NOTICES),
    });
  });

  consoleGet(app, ctx, paths.newClient, async (_request, reply, admin) =>
    ctx.page(reply, admin, {
      title: 'New client',
      section: 'clients',
      content: form(admin, paths.clients, NEW_CLIENT, true),
    }),
  );

  consoleAction(app, ctx, paths.clients, { fields: FORM_FIELDS }, async (_request, reply, admin, input) => {
    const values = readForm(input, NEW_CLIENT);
    try {
      const created = await createClient(
        stores,
        {
          name: values.name,
          public: values.public,
          redirectUris: values.redirectUris,
          postLogoutRedirectUris: values.postLogoutRedirectUris,
          grantTypes: values.grantTypes,
          scopes: values.scopes,
          allowedResources: values.allowedResources,
          ...(values.tokenEndpointAuthMethod === ''
            ? {}
            : { tokenEndpointAuthMethod: values.tokenEndpointAuthMethod as TokenEndpointAuthMethod }),
          idTokenSignedResponseAlg: values.idTokenSignedResponseAlg as JwsAlgorithm,
          ...(values.jwksUri === '' ? {} : { jwksUri: values.jwksUri }),
          ...(values.backchannelLogoutUri === ''
            ? {}
            : { backchannelLogoutUri: values.backchannelLogoutUri }),
        },
        ctx.options(admin),
      );
      // Answered here, not after a redirect: the secret is never in a URL, a cookie or the database.
      return ctx.page(reply, admin, {
        title: `Client ${created.client.name} created`,
        section: 'clients',
        content: secretContent(paths, created.client, created.secret),
      });
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      return ctx.page(reply, admin, {
        title: 'New client',
        section: 'clients',
        status: statusOf(error),
        error: error.message,
        content: form(admin, paths.clients, values, true),
      });
    }
  });

  const detail = async (
    reply: FastifyReply,
    admin: SignedInAdmin,
    clientId: string,
    extra: { notice?: string | undefined; error?: string; values?: ClientFormValues; status?: number } = {},
  ) => {
    const client = await requireClient(stores, clientId);
    return ctx.page(reply, admin, {
      title: client.name,
      section: 'clients',
      notice: extra.notice,
      error: extra.error,
      ...(extra.status === undefined ? {} : { status: extra.status }),
      content: clientDetailContent({
        paths,
        client,
        csrfToken: admin.session.csrf,
        builtIn: clientId === CONSOLE_CLIENT_ID,
        form: form(admin, clientPath(paths, clientId), extra.values ?? formValuesOf(client), false),
      }),
    });
  };

  consoleGet(app, ctx, `${paths.clients}/:clientId`, (request, reply, admin, query) =>
    detail(reply, admin, param(request, 'clientId'), { notice: noticeOf(query, CLIENT_NOTICES) }),
  );

  consoleAction(
    app,
    ctx,
    `${paths.clients}/:clientId`,
    { fields: FORM_FIELDS },
    async (request, reply, admin, input) => {
      const clientId = param(request, 'clientId');
      checkChangeable(clientId);
      const current = await requireClient(stores, clientId);
      const values = readForm(input, formValuesOf(current));
      try {
        const updated = await updateClient(
          stores,
          clientId,
          {
            name: values.name,
            redirectUris: { set: values.redirectUris },
            postLogoutRedirectUris: { set: values.postLogoutRedirectUris },
            grantTypes: { set: values.grantTypes },
            scopes: { set: values.scopes },
            allowedResources: { set: values.allowedResources },
            tokenEndpointAuthMethod: values.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
            idTokenSignedResponseAlg: values.idTokenSignedResponseAlg as JwsAlgorithm,
            jwksUri: values.jwksUri === '' ? null : values.jwksUri,
            backchannelLogoutUri: values.backchannelLogoutUri === '' ? null : values.backchannelLogoutUri,
          },
          ctx.options(admin),
        );
        if (updated.secret !== null) {
          return ctx.page(reply, admin, {
            title: `Client ${updated.client.name} saved`,
            section: 'clients',
            content: secretContent(paths, updated.client, updated.secret),
          });
        }
        return ctx.back(reply, clientPath(paths, clientId), 'client-updated');
      } catch (error) {
        if (!(error instanceof AdminError) || error.code === 'ERR_NOT_FOUND') throw error;
        return detail(reply, admin, clientId, { error: error.message, values, status: statusOf(error) });
      }
    },
  );

  consoleAction(
    app,
    ctx,
    `${paths.clients}/:clientId/secret`,
    { fields: ['keep_old_for'] },
    async (request, reply, admin, input) => {
      checkChangeable(param(request, 'clientId'));
      const keepOldFor = Number(input.get('keep_old_for') ?? '0');
      const rotated = await rotateClientSecret(
        stores,
        param(request, 'clientId'),
        { keepOldFor: Number.isSafeInteger(keepOldFor) ? keepOldFor : -1 },
        ctx.options(admin),
      );
      return ctx.page(reply, admin, {
        title: `New secret for ${rotated.client.name}`,
        section: 'clients',
        content: secretContent(paths, rotated.client, rotated.secret),
      });
    },
  );

  consoleAction(
    app,
    ctx,
    `${paths.clients}/:clientId/status`,
    { fields: ['disabled'] },
    async (request, reply, admin, input) => {
      const clientId = param(request, 'clientId');
      checkChangeable(clientId);
      const disable = input.get('disabled') === 'true';
      await (disable ? disableClient : enableClient)(stores, clientId, ctx.options(admin));
      return ctx.back(reply, clientPath(paths, clientId), disable ? 'client-disabled' : 'client-enabled');
    },
  );

  consoleGet(app, ctx, `${paths.clients}/:clientId/delete`, async (request, reply, admin) => {
    checkChangeable(param(request, 'clientId'));
    const client = await requireClient(stores, param(request, 'clientId'));
    return ctx.page(reply, admin, {
      title: `Delete ${client.name}`,
      section: 'clients',
      content: deleteClientContent(paths, client, admin.session.csrf),
    });
  });

  consoleAction(
    app,
    ctx,
    `${paths.clients}/:clientId/delete`,
    {
      fields: ['confirm'],
      reauthenticate: (request) => `${clientPath(paths, param(request, 'clientId'))}/delete`,
    },
    async (request, reply, admin, input) => {
      const clientId = param(request, 'clientId');
      checkChangeable(clientId);
      // The confirmation names this client: a stale or forged form for another client deletes nothing.
      if (input.get('confirm') !== clientId) {
        return ctx.refuse(reply, 400, 'The confirmation does not name this client. Open its page again.');
      }
      await deleteClient(stores, clientId, ctx.options(admin));
      return ctx.back(reply, paths.clients, 'client-deleted');
    },
  );
}

/**
 * The console's own client is Latchkey's to manage (client.ts syncs it at every start): disabling,
 * deleting or re-pointing it from the console would lock every administrator out until a restart.
 */
function checkChangeable(clientId: string): void {
  if (clientId === CONSOLE_CLIENT_ID) {
    throw invalidInput('clientId', `${CONSOLE_CLIENT_ID} is the console's own client; Latchkey manages it`);
  }
}

function readForm(input: RequestParams, defaults: ClientFormValues): ClientFormValues {
  const text = (name: string) => (input.get(name) ?? '').trim();
  return {
    name: text('name'),
    public: input.has('public') ? input.get('public') === 'on' : defaults.public,
    redirectUris: lines(input.get('redirect_uris')),
    postLogoutRedirectUris: lines(input.get('post_logout_redirect_uris')),
    grantTypes: input.all('grant_types'),
    scopes: text('scopes')
      .split(/\s+/)
      .filter((s) => s !== ''),
    allowedResources: lines(input.get('allowed_resources')),
    tokenEndpointAuthMethod: text('token_endpoint_auth_method') || defaults.tokenEndpointAuthMethod,
    idTokenSignedResponseAlg: text('id_token_signed_response_alg') || defaults.idTokenSignedResponseAlg,
    jwksUri: text('jwks_uri'),
    backchannelLogoutUri: text('backchannel_logout_uri'),
  };
}
