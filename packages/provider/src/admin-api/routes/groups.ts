import { notFound } from '../../admin/errors.js';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  groupMembers,
  listGroups,
  removeGroupMember,
} from '../../admin/index.js';
import { type AdminApiContext, optionsFor } from '../context.js';
import { checkIfMatch, entityTag } from '../etag.js';
import * as S from '../schemas.js';
import { errorResponses, type TypedApp } from './responses.js';

const tags = ['groups'];

export function groupRoutes(app: TypedApp, context: AdminApiContext): void {
  const { stores } = context;
  const current = async (name: string) => {
    const members = await groupMembers(stores, name);
    const group = await stores.groups.get(name);
    if (group === undefined) throw notFound('group', `No group named ${JSON.stringify(name)}`);
    return { name: group.name, createdAt: group.createdAt, members };
  };

  app.get(
    '/groups',
    { schema: { tags, summary: 'List groups', response: { 200: S.Page(S.Group), ...errorResponses } } },
    async () => ({ items: await listGroups(stores), nextCursor: null }),
  );

  app.post(
    '/groups',
    {
      schema: {
        tags,
        summary: 'Create a group',
        body: S.CreateGroup,
        response: { 201: S.GroupWithMembers, ...errorResponses },
      },
    },
    async (request, reply) => {
      const group = await createGroup(stores, request.body.name, optionsFor(context, request));
      const shown = { name: group.name, createdAt: group.createdAt, members: [] };
      return reply.code(201).header('etag', entityTag(shown)).send(shown);
    },
  );

  app.get(
    '/groups/:name',
    {
      schema: {
        tags,
        summary: 'Get a group and its members',
        params: S.GroupParams,
        response: { 200: S.GroupWithMembers, ...errorResponses },
      },
    },
    async (request, reply) => {
      const group = await current(request.params.name);
      return reply.header('etag', entityTag(group)).send(group);
    },
  );

  app.delete(
    '/groups/:name',
    {
      schema: {
        tags,
        summary: 'Delete a group (If-Match required)',
        params: S.GroupParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      return context.lock(`group:${request.params.name}`, async () => {
        checkIfMatch(request, entityTag(await current(request.params.name)));
        await deleteGroup(stores, request.params.name, optionsFor(context, request));
        return reply.code(204).send(null);
      });
    },
  );

  app.put(
    '/groups/:name/members/:username',
    {
      schema: {
        tags,
        summary: 'Add a member (adding one again changes nothing)',
        params: S.MemberParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await addGroupMember(
        stores,
        request.params.name,
        request.params.username,
        optionsFor(context, request),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/groups/:name/members/:username',
    {
      schema: {
        tags,
        summary: 'Remove a member',
        params: S.MemberParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await removeGroupMember(
        stores,
        request.params.name,
        request.params.username,
        optionsFor(context, request),
      );
      return reply.code(204).send(null);
    },
  );
}
