import type { FastifyInstance } from 'fastify';
import {
  createClient,
  deleteClient,
  disableClient,
  enableClient,
  pageClients,
  requireClient,
  rotateClientSecret,
  updateClient,
} from '../../admin/index.js';
import { type AdminApiContext, optionsFor } from '../context.js';
import { checkIfMatch, entityTag } from '../etag.js';
import { presentClient } from '../present.js';
import * as S from '../schemas.js';
import { errorResponses, type TypedApp } from './responses.js';

const tags = ['clients'];

export function clientRoutes(app: TypedApp, context: AdminApiContext): void {
  const { stores } = context;
  const current = async (clientId: string) => presentClient(await requireClient(stores, clientId));

  app.get(
    '/clients',
    {
      schema: {
        tags,
        summary: 'List clients',
        querystring: S.ListQuery,
        response: { 200: S.Page(S.Client), ...errorResponses },
      },
    },
    async (request) => {
      const page = await pageClients(stores, request.query);
      return { items: page.items.map(presentClient), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Register a client (its secret is in this answer only)',
        body: S.CreateClient,
        response: { 201: S.ClientWithSecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await createClient(stores, request.body as never, optionsFor(context, request));
      const client = presentClient(created.client);
      return reply.code(201).header('etag', entityTag(client)).send({ client, clientSecret: created.secret });
    },
  );

  app.get(
    '/clients/:clientId',
    {
      schema: {
        tags,
        summary: 'Get a client',
        params: S.ClientParams,
        response: { 200: S.Client, ...errorResponses },
      },
    },
    async (request, reply) => {
      const client = await current(request.params.clientId);
      return reply.header('etag', entityTag(client)).send(client);
    },
  );

  app.patch(
    '/clients/:clientId',
    {
      schema: {
        tags,
        summary: 'Change a client (If-Match required)',
        params: S.ClientParams,
        body: S.UpdateClient,
        response: { 200: S.ClientWithSecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      return context.lock(`client:${request.params.clientId}`, async () => {
        checkIfMatch(request, entityTag(await current(request.params.clientId)));
        const updated = await updateClient(
          stores,
          request.params.clientId,
          request.body as never,
          optionsFor(context, request),
        );
        const client = presentClient(updated.client);
        return reply.header('etag', entityTag(client)).send({ client, clientSecret: updated.secret });
      });
    },
  );

  app.delete(
    '/clients/:clientId',
    {
      schema: {
        tags,
        summary: 'Delete a client (If-Match required)',
        params: S.ClientParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      return context.lock(`client:${request.params.clientId}`, async () => {
        checkIfMatch(request, entityTag(await current(request.params.clientId)));
        await deleteClient(stores, request.params.clientId, optionsFor(context, request));
        return reply.code(204).send(null);
      });
    },
  );

  app.post(
    '/clients/:clientId/secret',
    {
      schema: {
        tags,
        summary: 'Rotate the client secret (the new one is in this answer only)',
        params: S.ClientParams,
        body: S.RotateSecret,
        response: { 200: S.RotatedSecret, ...errorResponses },
      },
    },
    async (request) => {
      const rotated = await rotateClientSecret(
        stores,
        request.params.clientId,
        request.body ?? {},
        optionsFor(context, request),
      );
      return { clientSecret: rotated.secret, oldSecretExpiresAt: rotated.oldSecretExpiresAt };
    },
  );

  for (const [action, change] of [
    ['disable', disableClient],
    ['enable', enableClient],
  ] as const) {
    app.post(
      `/clients/:clientId/${action}`,
      {
        schema: {
          tags,
          summary: `${action === 'disable' ? 'Disable' : 'Enable'} a client`,
          params: S.ClientParams,
          response: { 200: S.Client, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { client } = await change(stores, request.params.clientId, optionsFor(context, request));
        const shown = presentClient(client);
        return reply.header('etag', entityTag(shown)).send(shown);
      },
    );
  }
}

export type { FastifyInstance };
