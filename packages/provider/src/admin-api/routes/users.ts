import {
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  groupsOfUser,
  pageUsers,
  requireUser,
  setUserPassword,
  type UpdateUserInput,
  updateUser,
} from '../../admin/index.js';
import { normalizeUsername } from '../../users/username.js';
import { type AdminApiContext, optionsFor } from '../context.js';
import { checkIfMatch, entityTag } from '../etag.js';
import { presentUser } from '../present.js';
import * as S from '../schemas.js';
import { errorResponses, type TypedApp } from './responses.js';

const tags = ['users'];

export function userRoutes(app: TypedApp, context: AdminApiContext): void {
  const { stores } = context;
  const current = async (username: string) => presentUser(await requireUser(stores, username));

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users',
        querystring: S.UserListQuery,
        response: { 200: S.Page(S.User), ...errorResponses },
      },
    },
    async (request) => {
      const page = await pageUsers(stores, request.query);
      return { items: page.items.map(presentUser), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user',
        body: S.CreateUser,
        response: { 201: S.User, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = presentUser(await createUser(stores, request.body, optionsFor(context, request)));
      return reply.code(201).header('etag', entityTag(user)).send(user);
    },
  );

  app.get(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Get a user and their groups',
        params: S.UserParams,
        response: { 200: S.UserWithGroups, ...errorResponses },
      },
    },
    async (request, reply) => {
      const record = await requireUser(stores, request.params.username);
      const user = presentUser(record);
      return reply.header('etag', entityTag(user)).send({ user, groups: await groupsOfUser(stores, record) });
    },
  );

  app.patch(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Change a user’s email and profile (If-Match required)',
        params: S.UserParams,
        body: S.UpdateUser,
        response: { 200: S.User, ...errorResponses },
      },
    },
    async (request, reply) => {
      return context.lock(`user:${normalizeUsername(request.params.username)}`, async () => {
        checkIfMatch(request, entityTag(await current(request.params.username)));
        const { user } = await updateUser(
          stores,
          request.params.username,
          request.body as UpdateUserInput,
          optionsFor(context, request),
        );
        const shown = presentUser(user);
        return reply.header('etag', entityTag(shown)).send(shown);
      });
    },
  );

  app.delete(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Delete a user, erasing their personal data (If-Match required)',
        params: S.UserParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      return context.lock(`user:${normalizeUsername(request.params.username)}`, async () => {
        checkIfMatch(request, entityTag(await current(request.params.username)));
        await deleteUser(stores, request.params.username, optionsFor(context, request));
        return reply.code(204).send(null);
      });
    },
  );

  for (const [action, change] of [
    ['disable', disableUser],
    ['enable', enableUser],
  ] as const) {
    app.post(
      `/users/:username/${action}`,
      {
        schema: {
          tags,
          summary: `${action === 'disable' ? 'Disable (and sign out)' : 'Enable'} a user`,
          params: S.UserParams,
          response: { 200: S.User, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { user } = await change(stores, request.params.username, optionsFor(context, request));
        const shown = presentUser(user);
        return reply.header('etag', entityTag(shown)).send(shown);
      },
    );
  }

  app.put(
    '/users/:username/password',
    {
      schema: {
        tags,
        summary: 'Set a user’s password (under the password policy)',
        params: S.UserParams,
        body: S.SetPassword,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await setUserPassword(
        stores,
        request.params.username,
        request.body.password,
        optionsFor(context, request),
      );
      return reply.code(204).send(null);
    },
  );
}
